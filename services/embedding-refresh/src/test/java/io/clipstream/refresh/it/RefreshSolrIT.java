package io.clipstream.refresh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.refresh.index.IndexBackend;
import io.clipstream.refresh.index.SolrBackend;
import io.clipstream.testkit.quarkus.SolrInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/**
 * {@link RefreshScenario} with the scale-out backend: the indexes are collections of a real two-node
 * SolrCloud (Solr 9.10.1 from Maven Central, its own JVM), and after every swap the collection alias names the index
 * that serves.
 */
@QuarkusTest
@QuarkusTestResource(value = SolrInfraResource.class, restrictToAnnotatedClass = true)
class RefreshSolrIT extends RefreshScenario {
    @Inject
    IndexBackend backend;

    @Override
    protected String backendKind() {
        return "solr";
    }

    @Override
    protected void servingIndexIs(String liveIndex) throws Exception {
        assertThat(backend).isInstanceOf(SolrBackend.class);
        assertThat(((SolrBackend) backend).aliased(model)).as("the alias names the index that serves").endsWith(liveIndex);
    }
}
