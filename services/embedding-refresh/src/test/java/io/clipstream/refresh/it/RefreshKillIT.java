package io.clipstream.refresh.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.TopicCreator;
import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.synthetic.SyntheticDomains;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as it runs in production, a JVM of its own from the built jar, killed with SIGKILL in the middle of a
 * domain-scoped re-index (a version of experts that keeps plain's expert and adds dim's): after the restart the old
 * index serves at once (opened again, not re-embedded), the build resumes from its last commit, carries plain's
 * vectors from the embedding cache and swaps in once, and every pair ends in the new index.
 */
class RefreshKillIT {
    private static final String MODEL = "kill-tiny";
    private static final String KEY = "kill-search-key-0123456789";
    private static final int PAIRS = 1200;
    private static final int DIM_PAIRS = 300;

    /** Kept when the test fails: the child JVMs' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    private final String suffix = Long.toString(System.nanoTime());
    private final String curated = "kill-it.pairs.curated-" + suffix;
    private final String versions = "kill-it.model.versions-" + suffix;
    private final String events = "kill-it.index.events-" + suffix;
    private final String bucket = "kill-" + suffix;
    private final List<ChildJvm> children = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        ChildJvm.stopAll(children, Duration.ofSeconds(10));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private ChildJvm start(int port, Path data, String name) {
        ChildJvm.Builder b = ChildJvm.builder(name)
                .jar(Path.of("target/quarkus-app/quarkus-run.jar").toAbsolutePath())
                .jvmArgs(
                        "-Xmx512m",
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-Dai.djl.offline=true",
                        "-Dai.djl.pytorch.num_threads=1",
                        "-Dai.djl.pytorch.num_interop_threads=1")
                .logFile(tmp.resolve(name + ".log"))
                .systemProperty("quarkus.http.port", Integer.toString(port))
                .systemProperty("quarkus.http.host", "127.0.0.1")
                .systemProperty("clipstream.topics.curated", curated)
                .systemProperty("clipstream.topics.model-versions", versions)
                .systemProperty("clipstream.topics.index-events", events)
                .systemProperty("clipstream.storage.bucket", bucket)
                .systemProperty("clipstream.refresh.model", MODEL)
                .systemProperty("clipstream.refresh.device", "cpu")
                .systemProperty("clipstream.refresh.data-dir", data.toString())
                .systemProperty("clipstream.refresh.batch-size", "8")
                .systemProperty("clipstream.refresh.commit-every", "200ms")
                .systemProperty("clipstream.refresh.progress-every", "200ms")
                .systemProperty("clipstream.refresh.grace-period", "1s")
                .systemProperty("clipstream.refresh.api-keys.it", KEY);
        Infra.shared().quarkusConfig().forEach(b::systemProperty);
        ChildJvm c = b.start();
        children.add(c);
        c.awaitLogLine("started in", Duration.ofSeconds(90));
        return c;
    }

    private JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("X-Api-Key", KEY)
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return Json.mapper().readTree(r.body());
    }

    private List<IndexEvent> readEvents(KafkaConsumer<String, byte[]> c, List<IndexEvent> into) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
            into.add(Json.read(r.value(), IndexEvent.class));
        }
        return into;
    }

    @Test
    void aHardKillMidBuildLeavesTheOldIndexServingAndTheBuildCompletesAfterTheRestart() throws Exception {
        Map<String, Object> kafka = new HashMap<>(Infra.shared().kafkaClientConfig());
        Map<TopicSpec, String> names = new LinkedHashMap<>();
        names.put(TopicSpecs.PAIRS_CURATED, curated);
        names.put(TopicSpecs.MODEL_VERSIONS, versions);
        names.put(TopicSpecs.INDEX_EVENTS, events);
        TopicCreator.createMissing(KafkaClientSettings.forAdmin(kafka), names, null, (short) 1, n -> {});
        Map<String, String> q = Infra.shared().quarkusConfig();
        StorageConfig sc = new StorageConfig(
                q.get("clipstream.storage.endpoint"),
                q.get("clipstream.storage.access-key"),
                q.get("clipstream.storage.secret-key"),
                q.get("clipstream.storage.region"),
                bucket,
                Duration.ofSeconds(30),
                3,
                true);
        try (ObjectStore store = ObjectStore.connect(sc);
                KafkaProducer<String, byte[]> producer = Infra.shared().bytesProducer();
                KafkaConsumer<String, byte[]> consumer = Readers.create(KafkaClientSettings.forConsumer(kafka))) {
            store.ensureBucket();
            Registry registry = new Registry(store, new ModelLayout(MODEL));
            Path base = tmp.resolve("base");
            GenerateTinyClip.generate(base, TinyClipSpec.defaults());
            registry.uploadBase(base);
            List<PairCurated> corpus = new ArrayList<>();
            int i = 0;
            for (SyntheticDomains.Pair pair : SyntheticDomains.pairs("plain", PAIRS, 9)) {
                corpus.add(Corpus.put(store, "plain", "k-" + i++, pair));
            }
            List<PairCurated> dim = new ArrayList<>();
            for (SyntheticDomains.Pair pair : SyntheticDomains.pairs("dim", DIM_PAIRS, 10)) {
                dim.add(Corpus.put(store, "dim", "d-" + i++, pair));
            }
            Corpus.send(producer, curated, corpus);
            Corpus.send(producer, curated, dim);
            int total = PAIRS + DIM_PAIRS;
            // v1: one expert (plain's); the service's first index is built with it
            Map<String, List<PairCurated>> plainOnly = new LinkedHashMap<>();
            plainOnly.put("plain", corpus.subList(0, 100));
            Corpus.announce(
                    producer, versions, Corpus.publishExpertsVersion(registry, base, bucket, plainOnly, 41, null));
            TopicPartition tp = new TopicPartition(events, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<IndexEvent> seen = new ArrayList<>();

            Path data = tmp.resolve("data");
            int port = freePort();
            ChildJvm first = start(port, data, "refresh-1");
            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> readEvents(consumer, seen).stream()
                            .anyMatch(e -> e.state() == IndexEvent.State.SWAPPED && e.version() == 1));
            assertThat(get(port, "/v1/index").get("livePairs").asLong()).isEqualTo(total);

            // v2 keeps plain's expert and adds dim's: a domain-scoped re-index, killed in the middle
            Map<String, List<PairCurated>> both = new LinkedHashMap<>(plainOnly);
            both.put("dim", dim.subList(0, 100));
            ModelVersion v2 = Corpus.publishExpertsVersion(registry, base, bucket, both, 41, 1, 1);
            Corpus.announce(producer, versions, v2);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> readEvents(consumer, seen).stream()
                            .anyMatch(e -> e.state() == IndexEvent.State.PROGRESS
                                    && e.version() == 2
                                    && e.indexed() >= total / 4));
            first.kill();
            IndexEvent lastBeforeKill = seen.stream()
                    .filter(e -> e.version() == 2)
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(lastBeforeKill.state()).as("killed mid-build").isEqualTo(IndexEvent.State.PROGRESS);
            System.out.printf(
                    "killed the build of v2 at %d of %d pairs (%d carried)%n",
                    lastBeforeKill.indexed(), total, lastBeforeKill.carried());

            start(port, data, "refresh-2");
            // the index that served before serves again at once, with every pair, embedded by v1
            JsonNode status = get(port, "/v1/index");
            JsonNode answer = get(
                    port,
                    "/v1/search?target=text&k=1&q="
                            + URLEncoder.encode(corpus.get(7).text(), StandardCharsets.UTF_8));
            assertThat(answer.get("version").asInt()).isEqualTo(1);
            assertThat(answer.get("results")).hasSize(1);
            assertThat(status.get("liveVersion").asInt()).isEqualTo(1);
            assertThat(status.get("livePairs").asLong()).isEqualTo(total);

            await().atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(300))
                    .until(() -> readEvents(consumer, seen).stream()
                            .anyMatch(e -> e.state() == IndexEvent.State.SWAPPED && e.version() == 2));
            IndexEvent resumed = seen.stream()
                    .filter(e -> e.version() == 2 && e.state() == IndexEvent.State.REINDEX_STARTED)
                    .reduce((a, b) -> b)
                    .orElseThrow();
            List<IndexEvent> swaps = seen.stream()
                    .filter(e -> e.version() == 2 && e.state() == IndexEvent.State.SWAPPED)
                    .toList();
            assertThat(swaps).as("swapped once").hasSize(1);
            IndexEvent swapped = swaps.getFirst();
            assertThat(resumed.reason()).isEqualTo("resumed");
            assertThat(resumed.buildId()).isEqualTo(lastBeforeKill.buildId());
            assertThat(swapped.indexed())
                    .as("resumed from its last commit, not from the start")
                    .isLessThan(total);
            assertThat(swapped.carried())
                    .as("plain's pairs keep v1's vectors from the embedding cache: %s", swapped)
                    .isPositive();
            System.out.printf(
                    "after the restart the build embedded the remaining %d pairs (%d re-embedded, %d carried)%n",
                    swapped.indexed(), swapped.reembedded(), swapped.carried());
            JsonNode after = get(port, "/v1/index");
            assertThat(after.get("liveVersion").asInt()).isEqualTo(2);
            assertThat(after.get("livePairs").asLong())
                    .as("every curated pair is searchable")
                    .isEqualTo(total);
            Path indexes = data.resolve(MODEL).resolve("indexes");
            await("v0 index dropped after its grace period")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        try (var s = Files.list(indexes)) {
                            return s.count() == 1;
                        }
                    });
        }
    }
}
