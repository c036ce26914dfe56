package io.clipstream.testkit.quarkus;

import io.clipstream.testkit.Infra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at {@link Infra#shared()} (one broker and S3 server for the whole test JVM):
 * {@code @QuarkusTestResource(ClipStreamInfraResource.class)} or {@code @WithTestResource(...)}.
 */
public class ClipStreamInfraResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Infra.shared().quarkusConfig();
    }

    @Override
    public void stop() {
        // Shared by every test class of this JVM; stopped when the JVM exits.
    }
}
