package io.clipstream.curator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.PairCurated;
import io.clipstream.curator.TestImages;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.TcpGate;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Object storage refusing connections for 20 s, then hanging (accepting connections, never
 * answering) for 20 s, under a running curator (storage calls time out after 3 s, 2 attempts; Kafka
 * sessions after 6 s: each outage outlasts both several times over): consumption pauses and resumes by itself, every
 * pair
 * ends curated exactly once, nothing is rejected or dead-lettered, no stream thread is replaced and
 * no state store is rebuilt.
 */
class StorageOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Pattern PORT = Pattern.compile("Listening on: http://[^:]+:(\\d+)");

    @Test
    void outagesPauseTheCuratorAndLoseOrDuplicateNothing() throws Exception {
        Infra infra = Infra.shared();
        URI s3 = URI.create(infra.s3Endpoint());
        Path stateDir = Files.createTempDirectory("curator-outage-state");
        ChildJvm curator = null;
        try (TcpGate gate = new TcpGate(s3.getHost(), s3.getPort())) {
            Map<String, String> props =
                    CuratorProcess.baseProperties("curator-outage-it", "outage", "curator-outage-it", stateDir);
            props.put("clipstream.storage.endpoint", "http://127.0.0.1:" + gate.port());
            props.put("clipstream.storage.timeout", "3s");
            props.put("clipstream.storage.max-attempts", "2");
            curator = CuratorProcess.start(infra, props, Path.of("target", "outage-it", "curator.log"));
            Matcher port = PORT.matcher(curator.awaitLogLine(PORT.pattern(), Duration.ofSeconds(30)));
            assertThat(port.find()).isTrue();
            Metrics metrics = new Metrics(Integer.parseInt(port.group(1)));

            try (RawProducer raw = new RawProducer(infra.kafkaClientConfig(), "outage.pairs.raw");
                    OutputTopics out = new OutputTopics(
                            infra.kafkaClientConfig(),
                            "outage.pairs.curated",
                            "outage.pairs.rejected",
                            "outage.pairs.deadletter")) {
                List<String> sent = new ArrayList<>();
                Consumer<String> send = id -> {
                    raw.send(
                            id,
                            TestPairs.event(
                                    id,
                                    "it",
                                    "picture " + id,
                                    TestImages.png(TestImages.photo(220, 220, id.hashCode()))));
                    sent.add(id);
                };
                send.accept("o-before");
                awaitCurated(out, sent);
                double restoredBefore = metrics.value("clipstream_curator_state_restored_records_total");

                outage(curator, out, metrics, sent, send, "refused", gate::shut, gate::open);
                outage(curator, out, metrics, sent, send, "black-hole", gate::blackHole, gate::open);

                out.drain();
                assertThat(out.rejected())
                        .as("an outage is never the pair's fault")
                        .isEmpty();
                assertThat(out.deadLettered())
                        .as("a 20 s outage is within the curator's patience")
                        .isEmpty();
                assertThat(out.curated())
                        .extracting(r -> r.value().pairId())
                        .as("each pair exactly once")
                        .containsExactlyInAnyOrderElementsOf(sent);
                assertThat(metrics.value("clipstream_curator_stream_thread_replacements_total"))
                        .isZero();
                assertThat(metrics.value("clipstream_curator_state_restored_records_total"))
                        .as("no store wiped")
                        .isEqualTo(restoredBefore);
                assertThat(metrics.value("clipstream_curator_consumption_pauses_total"))
                        .isGreaterThanOrEqualTo(2);
                assertThat(curator.logTail(5000)).doesNotContain("stream thread failed");
                try (ObjectStore store = ObjectStore.connect(
                        StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                                .withBucket("curator-outage-it"))) {
                    for (ConsumerRecord<String, PairCurated> r : out.curated()) {
                        assertThat(store.exists(r.value().imageKey())).isTrue();
                        assertThat(r.value().textKey())
                                .as("text objects are off by default")
                                .isNull();
                    }
                }
            }
        } finally {
            if (curator != null) {
                curator.stopGracefully(Duration.ofSeconds(15));
            }
            ChildJvm.deleteRecursively(stateDir);
        }
    }

    private static void outage(
            ChildJvm curator,
            OutputTopics out,
            Metrics metrics,
            List<String> sent,
            Consumer<String> send,
            String kind,
            Runnable begin,
            Runnable end)
            throws Exception {
        double pausesBefore = metrics.value("clipstream_curator_consumption_pauses_total");
        long started = System.nanoTime();
        begin.run();
        for (int i = 0; i < 5; i++) {
            send.accept("o-" + kind + "-" + i);
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> metrics.value("clipstream_curator_consumption_pauses_total") > pausesBefore);
        assertThat(metrics.value("clipstream_curator_consumption_paused")).isEqualTo(1.0);
        Thread.sleep(Math.max(
                0,
                OUTAGE.toMillis()
                        - Duration.ofNanos(System.nanoTime() - started).toMillis()));
        curator.requireAlive(kind + " outage");
        end.run();
        awaitCurated(out, sent);
        assertThat(metrics.value("clipstream_curator_consumption_paused"))
                .as("resumed by itself")
                .isZero();
    }

    private static void awaitCurated(OutputTopics out, List<String> ids) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            out.poll();
            return ids.stream()
                    .allMatch(id ->
                            out.curated(id).isPresent() || out.rejected(id).isPresent());
        });
    }

    /** Reads one value (summed over its labels) from the curator's Prometheus endpoint. */
    private record Metrics(int port) {
        double value(String name) throws Exception {
            try (HttpClient http = HttpClient.newHttpClient()) {
                String body = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                                        .timeout(Duration.ofSeconds(10))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body();
                double sum = 0;
                boolean found = false;
                for (String line : body.split("\n")) {
                    if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                        found = true;
                    }
                }
                if (!found) {
                    throw new IllegalStateException("no metric " + name);
                }
                return sum;
            }
        }
    }
}
