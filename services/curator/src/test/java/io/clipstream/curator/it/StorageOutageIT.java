package io.clipstream.curator.it;

import io.clipstream.contracts.PairCurated;
import io.clipstream.curator.TestImages;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Object storage unreachable (beyond the client's retries): the pair is neither rejected nor dropped;
 * the stream thread fails, is replaced, and the pair is curated once storage is back.
 */
class StorageOutageIT {

    @Test
    void pairWaitsForStorageInsteadOfBeingRejectedOrLost() throws Exception {
        Infra infra = Infra.shared();
        URI s3 = URI.create(infra.s3Endpoint());
        Path stateDir = Files.createTempDirectory("curator-outage-state");
        ChildJvm curator = null;
        try (TcpGate gate = new TcpGate(s3.getHost(), s3.getPort())) {
            Map<String, String> props = CuratorProcess.baseProperties("curator-outage-it", "outage", "curator-outage-it", stateDir);
            props.put("clipstream.storage.endpoint", "http://127.0.0.1:" + gate.port());
            props.put("clipstream.storage.timeout", "2s");
            props.put("clipstream.storage.max-attempts", "2");
            curator = CuratorProcess.start(infra, props, Path.of("target", "outage-it", "curator.log"));

            try (RawProducer raw = new RawProducer(infra.kafkaBootstrapServers(), "outage.pairs.raw");
                 OutputTopics out = new OutputTopics(infra.kafkaBootstrapServers(), "outage.pairs.curated", "outage.pairs.rejected")) {
                raw.send("o-1", TestPairs.event("o-1", "it", "before the outage", TestImages.png(TestImages.photo(220, 220, 90_001))));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    out.poll();
                    return out.curated("o-1").isPresent();
                });

                gate.shut();
                raw.send("o-2", TestPairs.event("o-2", "it", "during the outage", TestImages.png(TestImages.photo(220, 220, 90_002))));
                curator.awaitLogLine("stream thread failed; replacing it", Duration.ofSeconds(60));
                out.poll();
                assertThat(out.curated("o-2")).isEmpty();
                assertThat(out.rejected("o-2")).isEmpty();

                gate.open();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    out.poll();
                    return out.curated("o-2").isPresent() || out.rejected("o-2").isPresent();
                });
                out.drain();
                assertThat(out.rejected()).isEmpty();
                assertThat(out.curated()).extracting(r -> r.value().pairId()).containsExactlyInAnyOrder("o-1", "o-2");
                PairCurated o2 = out.curated("o-2").orElseThrow();
                try (ObjectStore store = ObjectStore.connect(StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(),
                        infra.s3SecretKey()).withBucket("curator-outage-it"))) {
                    assertThat(store.exists(o2.imageKey())).isTrue();
                    assertThat(store.exists(o2.textKey())).isTrue();
                }
            }
        } finally {
            if (curator != null) {
                curator.stopGracefully(Duration.ofSeconds(15));
            }
            ChildJvm.deleteRecursively(stateDir);
        }
    }
}
