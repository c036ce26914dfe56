package io.clipstream.refresh.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.refresh.index.IndexBackend;
import io.clipstream.refresh.index.SolrBackend;
import io.clipstream.testkit.quarkus.SolrInfraResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.util.Map;

/**
 * {@link RefreshScenario} with the scale-out backend: the indexes are collections of a real two-node
 * SolrCloud (Solr 9.10.1 from Maven Central, its own JVM), and after every swap the collection alias names the index
 * that serves. Its own topics and bucket: it may share a test JVM, and so a broker and an S3 server, with
 * {@link RefreshIT}.
 */
@QuarkusTest
@QuarkusTestResource(value = SolrInfraResource.class, restrictToAnnotatedClass = true)
@TestProfile(RefreshSolrIT.OwnTopics.class)
class RefreshSolrIT extends RefreshScenario {
    public static class OwnTopics implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "clipstream.topics.curated",
                    "refresh-solr-it.pairs.curated",
                    "clipstream.topics.model-versions",
                    "refresh-solr-it.model.versions",
                    "clipstream.topics.index-events",
                    "refresh-solr-it.index.events",
                    "clipstream.topics.training-runs",
                    "refresh-solr-it.training.runs",
                    "clipstream.storage.bucket",
                    "refresh-solr-it");
        }
    }

    @Inject
    IndexBackend backend;

    @Override
    protected String backendKind() {
        return "solr";
    }

    @Override
    protected void servingIndexIs(String liveIndex) throws Exception {
        assertThat(backend).isInstanceOf(SolrBackend.class);
        assertThat(((SolrBackend) backend).aliased(model))
                .as("the alias names the index that serves")
                .endsWith(liveIndex);
    }
}
