package io.clipstream.testkit.quarkus;

import io.clipstream.testkit.EmbeddedSolr;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.time.Duration;
import java.util.Map;

/**
 * Starts a two-node SolrCloud ({@link EmbeddedSolr}) for a Quarkus test and points embedding refresh's Solr backend at
 * it.
 */
public class SolrInfraResource implements QuarkusTestResourceLifecycleManager {
    private EmbeddedSolr solr;

    @Override
    public Map<String, String> start() {
        solr = EmbeddedSolr.start(2, Duration.ofMinutes(3));
        return Map.of(
                "clipstream.refresh.backend",
                "solr",
                "clipstream.refresh.solr.urls",
                String.join(",", solr.solrUrls()));
    }

    @Override
    public void stop() {
        if (solr != null) {
            solr.close();
        }
    }
}
