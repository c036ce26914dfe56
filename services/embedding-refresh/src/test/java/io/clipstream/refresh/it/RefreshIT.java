package io.clipstream.refresh.it;

import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@link RefreshScenario} with the default backend: embedded Lucene indexes on local disk. */
@QuarkusTest
@QuarkusTestResource(ClipStreamInfraResource.class)
class RefreshIT extends RefreshScenario {
    @Override
    protected String backendKind() {
        return "lucene";
    }
}
