package io.clipstream.refresh.it;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.synthetic.SyntheticDomains;
import io.clipstream.testkit.HeadlessBrowser;
import io.clipstream.testkit.Infra;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.InputStream;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenario of embedding refresh in-process on the real broker and S3 server, run by {@link RefreshIT} (embedded
 * Lucene) and {@link RefreshSolrIT} (SolrCloud). It starts before any base checkpoint exists (its
 * first build fails and is retried); once a base trained on the synthetic "plain" domain is in the registry, the
 * curated corpus is indexed with it and every caption finds its own pair at rank 1; a pair curated later is
 * searchable within seconds; a new model version triggers a re-index whose answers differ, under a load of queries
 * that sees no error and no empty answer through the swap; a rollback restores the earlier answers exactly.
 */
abstract class RefreshScenario {
    private static final String KEY = "it-search-key-0123456789";
    private static final Duration BUILD_WAIT = Duration.ofMinutes(3);

    @Inject
    ObjectStore store;

    @ConfigProperty(name = "clipstream.topics.curated")
    String curatedTopic;

    @ConfigProperty(name = "clipstream.topics.model-versions")
    String versionsTopic;

    @ConfigProperty(name = "clipstream.topics.index-events")
    String eventsTopic;

    @ConfigProperty(name = "clipstream.topics.training-runs")
    String runsTopic;

    @ConfigProperty(name = "clipstream.refresh.model")
    String model;

    @ConfigProperty(name = "clipstream.storage.bucket")
    String bucket;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    private static KafkaProducer<String, byte[]> producer;
    private static KafkaConsumer<String, byte[]> consumer;
    private static final List<IndexEvent> events = new ArrayList<>();
    private static final List<JsonNode> rawEvents = new ArrayList<>();

    @BeforeAll
    static void clients() {
        producer = Infra.shared().bytesProducer();
        consumer = Infra.shared().bytesConsumer();
    }

    @AfterAll
    static void close() {
        producer.close();
        consumer.close();
    }

    private void pollEvents() throws Exception {
        if (consumer.assignment().isEmpty()) {
            TopicPartition tp = new TopicPartition(eventsTopic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            rawEvents.add(Json.mapper().readTree(r.value()));
            events.add(Json.read(r.value(), IndexEvent.class));
        }
    }

    private JsonNode status() throws Exception {
        return Json.mapper()
                .readTree(given().header("X-Api-Key", KEY)
                        .get("/v1/index")
                        .then()
                        .statusCode(200)
                        .extract()
                        .asByteArray());
    }

    private void awaitLive(int version, long pairs) throws Exception {
        await().atMost(BUILD_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode s = status();
            return s.path("liveVersion").isInt()
                    && s.get("liveVersion").asInt() == version
                    && !s.hasNonNull("buildVersion")
                    && s.path("livePairs").asLong() == pairs;
        });
        servingIndexIs(status().get("liveIndex").asText());
    }

    protected abstract String backendKind();

    /** A backend with an alias of its own checks here that the alias names the index that serves. */
    protected void servingIndexIs(String liveIndex) throws Exception {}

    private static JsonNode search(String q, String target, int k) throws Exception {
        Response r = given().header("X-Api-Key", KEY)
                .queryParam("q", q)
                .queryParam("target", target)
                .queryParam("k", k)
                .get("/v1/search");
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(200);
        return Json.mapper().readTree(r.asByteArray());
    }

    private static List<String> ranked(JsonNode answer) {
        List<String> out = new ArrayList<>();
        answer.get("results").forEach(n -> out.add(n.get("sha256").asText()));
        return out;
    }

    /** The ranked answers of a fixed set of queries, text -> image. */
    private static List<List<String>> answers(List<PairCurated> corpus) throws Exception {
        List<List<String>> out = new ArrayList<>();
        for (PairCurated p : corpus.subList(0, 10)) {
            out.add(ranked(search(p.text(), "image", 10)));
        }
        return out;
    }

    @Test
    void curatedPairsAreSearchableAndEveryNewChampionIsReindexedWithoutAFailedQuery() throws Exception {
        store.ensureBucket();
        Registry registry = new Registry(store, new ModelLayout(model));
        List<PairCurated> corpus = Corpus.distinctPairs(store, "plain", 5);
        Corpus.send(producer, curatedTopic, corpus);

        // no base checkpoint yet: nothing serves, and the first build fails and is retried
        given().header("X-Api-Key", KEY)
                .queryParam("q", "a photo of a star, left.")
                .get("/v1/search")
                .then()
                .statusCode(503)
                .contentType("application/problem+json");
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            pollEvents();
            return events.stream()
                    .anyMatch(e ->
                            e.state() == IndexEvent.State.FAILED && e.error().contains("base checkpoint"));
        });

        Path tmp = Files.createTempDirectory("refresh-it-base");
        SyntheticDomains.trainBase(tmp.resolve("init"), tmp.resolve("base"));
        registry.uploadBase(tmp.resolve("base"));
        awaitLive(0, corpus.size());

        // every caption finds its own pair at rank 1 among the captions; text -> image finds the caption's class
        int classHits = 0;
        for (PairCurated p : corpus) {
            JsonNode own = search(p.text(), "text", 5);
            assertThat(own.get("version").asInt()).isZero();
            assertThat(own.at("/results/0/sha256").asText()).as(p.text()).isEqualTo(p.sha256());
            assertThat(own.at("/results/0/caption").asText()).isEqualTo(p.text());
            assertThat(own.at("/results/0/score").asDouble()).isGreaterThan(0.999);
            JsonNode img = search(p.text(), "image", 1);
            String cls = p.text().substring("a photo of a ".length(), p.text().indexOf(','));
            if (img.at("/results/0/caption").asText().contains(" " + cls + ",")) {
                classHits++;
            }
        }
        System.out.printf(
                "text -> image: top result of the caption's class for %d of %d captions%n", classHits, corpus.size());
        assertThat(classHits)
                .as("the trained base finds the class (chance: 4 of 40)")
                .isGreaterThanOrEqualTo(corpus.size() / 2);

        // the image behind a result's URL is the pair's image
        JsonNode first = search(corpus.get(3).text(), "text", 1);
        HttpResponse<byte[]> image = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        first.at("/results/0/imageUrl").asText()))
                                .build(),
                        HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(io.clipstream.storage.ContentAddress.sha256Hex(image.body()))
                .isEqualTo(corpus.get(3).sha256());

        searchPageShowsResultImages(corpus.get(12).text());

        // a pair curated now is searchable within seconds
        long t0 = System.nanoTime();
        PairCurated late = Corpus.put(
                store,
                "plain",
                "late-1",
                new SyntheticDomains.Pair(
                        "a late heart on the far left, unique.",
                        SyntheticDomains.pairs("plain", 1, 77).get(0).image(),
                        "plain",
                        "heart"));
        Corpus.send(producer, curatedTopic, List.of(late));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> search(late.text(), "text", 1)
                        .at("/results/0/sha256")
                        .asText()
                        .equals(late.sha256()));
        System.out.printf("curated -> searchable: %.0f ms%n", (System.nanoTime() - t0) / 1e6);
        // another producer's pair of the same image is its own document: it neither replaces nor hides the first
        PairCurated guestCopy = new PairCurated(
                PairCurated.SCHEMA_VERSION,
                "late-1",
                "guest",
                "plain",
                late.sha256(),
                late.imageKey(),
                null,
                "png",
                late.perceptualHash(),
                28,
                28,
                "the guest's own words for that far-left heart.",
                java.util.Map.of(),
                late.submittedAt(),
                late.curatedAt());
        Corpus.send(producer, curatedTopic, List.of(guestCopy));
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> search(guestCopy.text(), "text", 1)
                        .at("/results/0/source")
                        .asText()
                        .equals("guest"));
        for (PairCurated p : List.of(late, guestCopy)) {
            JsonNode own = search(p.text(), "text", 1);
            assertThat(own.at("/results/0/source").asText())
                    .as("one image, each producer's pair found by its caption")
                    .isEqualTo(p.source());
            assertThat(own.at("/results/0/sha256").asText()).isEqualTo(late.sha256());
        }
        List<PairCurated> all = new ArrayList<>(corpus);
        all.add(late);
        all.add(guestCopy);
        List<List<String>> base = answers(all);

        // a load of queries runs through every swap from here on
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger queries = new AtomicInteger();
        List<String> failures = new CopyOnWriteArrayList<>();
        ExecutorService load = Executors.newFixedThreadPool(2);
        for (int t = 0; t < 2; t++) {
            load.submit(() -> {
                HttpClient http = HttpClient.newHttpClient();
                int i = 0;
                while (loading.get()) {
                    String q = corpus.get(i++ % corpus.size()).text();
                    try {
                        HttpResponse<String> r = http.send(
                                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/search?k=5&q="
                                                + java.net.URLEncoder.encode(
                                                        q, java.nio.charset.StandardCharsets.UTF_8)))
                                        .header("X-Api-Key", KEY)
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200
                                || Json.mapper()
                                        .readTree(r.body())
                                        .get("results")
                                        .isEmpty()) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    queries.incrementAndGet();
                }
            });
        }

        // a new champion: re-indexed beside the live index, swapped in, answers differ
        ModelVersion v1 = Corpus.publishRandomVersion(registry, tmp.resolve("base"), bucket, 101, null);
        Corpus.announce(producer, versionsTopic, v1);
        awaitLive(1, all.size());
        List<List<String>> first1 = answers(all);
        assertThat(first1).as("another model, other answers").isNotEqualTo(base);
        assertThat(search(corpus.get(0).text(), "text", 1).get("version").asInt())
                .isEqualTo(1);

        ModelVersion v2 = Corpus.publishRandomVersion(registry, tmp.resolve("base"), bucket, 202, 1);
        Corpus.announce(producer, versionsTopic, v2);
        awaitLive(2, all.size());
        assertThat(answers(all)).isNotEqualTo(first1);

        // a rollback to v1 re-indexes with v1 and restores its answers
        ModelVersion rollback = new ModelVersion(
                v1.schemaVersion(),
                v1.model(),
                v1.version(),
                v1.parentVersion(),
                ModelVersion.Announcement.ROLLBACK,
                2,
                ModelVersion.CHAMPION,
                v1.baseRef(),
                v1.basePin(),
                v1.adapterUri(),
                v1.adapterSha256(),
                v1.dataWindow(),
                v1.metrics(),
                v1.gate(),
                v1.runId(),
                v1.device(),
                v1.createdAt(),
                java.time.Instant.now());
        Corpus.announce(producer, versionsTopic, rollback);
        awaitLive(1, all.size());
        assertThat(answers(all)).as("the rollback restores v1's answers").isEqualTo(first1);

        loading.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS))
                .isTrue();
        System.out.printf("queries during three swaps: %d, failed or empty: %d%n", queries.get(), failures.size());
        assertThat(queries.get()).isGreaterThan(20);
        assertThat(failures)
                .as("no query fails or comes back empty during a swap")
                .isEmpty();

        // index.events: each build started and swapped, every event valid against its schema
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            pollEvents();
            return events.stream()
                            .filter(e -> e.state() == IndexEvent.State.SWAPPED)
                            .count()
                    == 4;
        });
        assertThat(events.stream()
                        .filter(e -> e.state() == IndexEvent.State.SWAPPED)
                        .map(IndexEvent::version))
                .containsExactly(0, 1, 2, 1);
        assertThat(events.stream()
                        .filter(e -> e.state() == IndexEvent.State.SWAPPED)
                        .map(IndexEvent::backend)
                        .distinct())
                .containsExactly(backendKind());
        assertThat(events.stream()
                        .filter(e -> e.state() == IndexEvent.State.SWAPPED)
                        .map(IndexEvent::reason))
                .containsExactly("first index", "champion", "champion", "rollback");
        IndexEvent swapped = events.stream()
                .filter(e -> e.state() == IndexEvent.State.SWAPPED)
                .toList()
                .get(1);
        assertThat(swapped.indexed()).isEqualTo(all.size());
        assertThat(swapped.liveVersion()).isEqualTo(1);
        JsonSchema schema;
        try (InputStream in = getClass().getResourceAsStream("/schemas/IndexEvent.schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                    .getSchema(in);
        }
        for (JsonNode e : rawEvents) {
            assertThat(schema.validate(e)).as(e.toString()).isEmpty();
        }

        String metrics =
                given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("clipstream_refresh_live_version 1.0")
                .contains("clipstream_refresh_reindex_total{outcome=\"swapped\"} 4.0")
                .contains("clipstream_refresh_freshness_seconds_count")
                .contains("clipstream_refresh_index_pairs{index=\"live\"} " + all.size() + ".0");

        operationsViewShowsRunsVersionsAndIndexEvents(v2);
        aVersionRewrittenInStorageIsRefusedAndTheChampionKeepsServing(registry, tmp.resolve("base"), all, first1);
        aVersionOfExpertsEmbedsEachPairByItsImagesExpert(registry, tmp.resolve("base"), all);
    }

    /**
     * v4 is a version of per-domain experts (plain, dim): every pair is embedded by the expert its image is routed to,
     * every hit says which expert's space it was found in, and a caption shared by a plain and a dim pair finds both,
     * each in its own expert's space, merged on their scores.
     */
    private void aVersionOfExpertsEmbedsEachPairByItsImagesExpert(Registry registry, Path base, List<PairCurated> all)
            throws Exception {
        List<PairCurated> dim = Corpus.distinctPairs(store, "dim", 9);
        Corpus.send(producer, curatedTopic, dim);
        List<PairCurated> plain =
                all.stream().filter(p -> p.domain().equals("plain")).toList();
        ModelVersion v4 = Corpus.publishExpertsVersion(
                registry,
                base,
                bucket,
                java.util.Map.of("plain", plain, "dim", dim).entrySet().stream()
                        .sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator.reverseOrder()))
                        .collect(java.util.stream.Collectors.toMap(
                                java.util.Map.Entry::getKey,
                                java.util.Map.Entry::getValue,
                                (a, b) -> a,
                                java.util.LinkedHashMap::new)),
                404,
                1);
        assertThat(v4.version()).isEqualTo(4);
        Corpus.announce(producer, versionsTopic, v4);
        awaitLive(4, all.size() + dim.size());

        int own = 0;
        for (int i = 0; i < 8; i++) {
            PairCurated d = dim.get(i);
            JsonNode answer = search(d.text(), "text", 4);
            answer.get("results")
                    .forEach(r -> assertThat(r.hasNonNull("expert"))
                            .as("every hit names its expert: %s", r)
                            .isTrue());
            for (JsonNode r : answer.get("results")) {
                if (r.get("sha256").asText().equals(d.sha256())) {
                    assertThat(r.get("expert").asText())
                            .as("a dim image is embedded by the dim expert")
                            .isEqualTo("dim");
                    assertThat(r.get("score").asDouble()).isGreaterThan(0.999);
                    own++;
                }
            }
        }
        assertThat(own)
                .as("each dim caption finds its own pair among the top 4")
                .isEqualTo(8);
        JsonNode plainAnswer = search(plain.get(3).text(), "text", 4);
        assertThat(plainAnswer.get("results").findValuesAsText("expert")).contains("plain");
        assertThat(search(plain.get(3).text(), "image", 10).get("results")).isNotEmpty();

        aVersionThatAddsAnExpertReembedsOnlyWhatItTouches(registry, base, all, plain, dim);
    }

    /**
     * v5 keeps v4's two experts (the same weights, byte for byte) and adds one for a new domain, its router extended by
     * one stage: the re-index computes the vectors of the new domain's pairs and of any pair the new stage takes, and
     * carries every other from the embedding cache; index.events says how many of each.
     */
    private void aVersionThatAddsAnExpertReembedsOnlyWhatItTouches(
            Registry registry, Path base, List<PairCurated> all, List<PairCurated> plain, List<PairCurated> dim)
            throws Exception {
        List<PairCurated> tinted = Corpus.distinctPairs(store, "tinted", 11);
        Corpus.send(producer, curatedTopic, tinted);
        java.util.Map<String, List<PairCurated>> images = new java.util.LinkedHashMap<>();
        images.put("plain", plain); // v4's experts in v4's order
        images.put("dim", dim);
        images.put("tinted", tinted);
        ModelVersion v5 = Corpus.publishExpertsVersion(registry, base, bucket, images, 404, 4, 2);
        Corpus.announce(producer, versionsTopic, v5);
        int total = all.size() + dim.size() + tinted.size();
        awaitLive(5, total);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            pollEvents();
            return events.stream().anyMatch(e -> e.version() == 5 && e.state() == IndexEvent.State.SWAPPED);
        });
        IndexEvent swapped = events.stream()
                .filter(e -> e.version() == 5 && e.state() == IndexEvent.State.SWAPPED)
                .findFirst()
                .orElseThrow();
        assertThat(swapped.reembedded() + swapped.carried())
                .as("every pair is re-embedded or carried")
                .isEqualTo(swapped.indexed());
        assertThat(swapped.reembedded())
                .as("the new domain's pairs are embedded by the new expert")
                .isGreaterThanOrEqualTo(tinted.size());
        assertThat(swapped.carried())
                .as("the pairs that stay with an unchanged expert are carried: %s", swapped)
                .isGreaterThanOrEqualTo(all.size() + dim.size() - 4);
        int own = 0;
        for (PairCurated t : tinted.subList(0, 6)) {
            for (JsonNode r : search(t.text(), "text", 4).get("results")) {
                if (r.get("sha256").asText().equals(t.sha256())
                        && r.get("expert").asText().equals("tinted")) {
                    own++;
                }
            }
        }
        assertThat(own)
                .as("each tinted caption finds its own pair in the tinted expert's space")
                .isEqualTo(6);
    }

    /**
     * v3 is published, then its adapter and MANIFEST.json are rewritten together in storage (consistent with each
     * other), then it is announced: the service refuses to load it, says why on index.events, and v1 keeps serving.
     */
    private void aVersionRewrittenInStorageIsRefusedAndTheChampionKeepsServing(
            Registry registry, Path base, List<PairCurated> all, List<List<String>> v1Answers) throws Exception {
        ModelVersion v3 = Corpus.publishRandomVersion(registry, base, bucket, 303, 1);
        String prefix = registry.layout().version(3);
        byte[] forged = registry.store()
                .get(prefix + Registry.ADAPTER_WEIGHTS)
                .orElseThrow()
                .clone();
        forged[forged.length - 1] ^= 0x01;
        registry.store().put(prefix + Registry.ADAPTER_WEIGHTS, forged, "application/octet-stream");
        java.util.Map<String, String> files =
                new java.util.TreeMap<>(io.clipstream.registry.VersionManifest.parse(registry.store()
                        .get(prefix + io.clipstream.registry.VersionManifest.FILE)
                        .orElseThrow()));
        files.put(Registry.ADAPTER_WEIGHTS, io.clipstream.storage.ContentAddress.sha256Hex(forged));
        registry.store()
                .put(
                        prefix + io.clipstream.registry.VersionManifest.FILE,
                        io.clipstream.registry.VersionManifest.render(files),
                        "application/json");
        Corpus.announce(producer, versionsTopic, v3);

        await().atMost(Duration.ofSeconds(60)).until(() -> {
            pollEvents();
            return events.stream().anyMatch(e -> e.version() == 3 && e.state() == IndexEvent.State.FAILED);
        });
        IndexEvent refused = events.stream()
                .filter(e -> e.version() == 3 && e.state() == IndexEvent.State.FAILED)
                .findFirst()
                .orElseThrow();
        assertThat(refused.error()).contains("is not the one announced");
        assertThat(status().get("liveVersion").asInt()).as("v1 keeps serving").isEqualTo(1);
        assertThat(answers(all)).isEqualTo(v1Answers);
        assertThat(events).noneMatch(e -> e.version() == 3 && e.state() == IndexEvent.State.SWAPPED);
    }

    /**
     * The page's operations view in a real headless Chromium: a training run (its events written as the trainer would),
     * both versions of the registry with their lineage and the champion marked, and the index events of the swaps.
     */
    private void operationsViewShowsRunsVersionsAndIndexEvents(ModelVersion v2) throws Exception {
        java.time.Instant t = java.time.Instant.now();
        for (TrainingRun.State state : List.of(
                TrainingRun.State.STARTED,
                TrainingRun.State.PROGRESS,
                TrainingRun.State.PROGRESS,
                TrainingRun.State.EVALUATING,
                TrainingRun.State.PROMOTED)) {
            boolean done = state == TrainingRun.State.PROMOTED;
            TrainingRun e = new TrainingRun(
                    TrainingRun.SCHEMA_VERSION,
                    v2.runId(),
                    model,
                    state,
                    TrainingRun.Trigger.COUNT,
                    1,
                    "cpu",
                    state == TrainingRun.State.PROGRESS ? new TrainingRun.Progress(5, 10, 2.5, 640, 1.5) : null,
                    done ? Map.of("plain", Map.of("zero_shot", 0.8, "r1_mean", 0.4)) : Map.of(),
                    List.of(),
                    List.of(),
                    done ? v2.version() : null,
                    Map.of("plain", 300),
                    done ? new TrainingRun.Timings(1, 2, 0.5, 0.2) : null,
                    null,
                    t);
            producer.send(new ProducerRecord<>(runsTopic, e.runId(), Json.write(e)));
        }
        TrainingRun rejected = new TrainingRun(
                TrainingRun.SCHEMA_VERSION,
                "it-run-harmful",
                model,
                TrainingRun.State.REJECTED,
                TrainingRun.Trigger.MANUAL,
                1,
                "cpu",
                null,
                Map.of("plain", Map.of("zero_shot", 0.2)),
                List.of("domain plain dropped 60.0 points on zero_shot (80.0 -> 20.0), bound 5.0"),
                List.of(),
                null,
                Map.of("shuffled", 300),
                new TrainingRun.Timings(1, 2, 0.5, 0.1),
                null,
                t.plusSeconds(1));
        producer.send(new ProducerRecord<>(runsTopic, rejected.runId(), Json.write(rejected)));
        producer.flush();
        given().get("/v1/ops").then().statusCode(401);
        try (HeadlessBrowser browser = HeadlessBrowser.start(1280, 1000);
                HeadlessBrowser.Page page = browser.open("http://localhost:" + port + "/#key=" + KEY + "&view=ops")) {
            page.awaitTrue(
                    "!document.getElementById('ops-view').hidden && document.getElementById('search-view').hidden",
                    Duration.ofSeconds(10));
            page.awaitTrue("document.querySelectorAll('#runs tbody tr').length === 2", Duration.ofSeconds(30));
            String runs =
                    page.evaluate("document.getElementById('runs').innerText").asText();
            assertThat(runs)
                    .contains(v2.runId())
                    .contains("PROMOTED")
                    .contains("→ v2")
                    .contains("plain 300")
                    .contains("started → ")
                    .contains("evaluating → ")
                    .contains("promoted")
                    .contains("it-run-harmful")
                    .contains("REJECTED")
                    .contains("dropped 60.0 points");
            assertThat(page.evaluate("document.querySelector('#runs tbody tr:nth-child(2) td:nth-child(4)').textContent"
                                    + ".split('progress').length - 1")
                            .asInt())
                    .as("repeated PROGRESS events are one step")
                    .isEqualTo(1);
            page.awaitTrue("document.querySelectorAll('#versions tbody tr').length === 2", Duration.ofSeconds(30));
            String versions = page.evaluate("document.getElementById('versions').innerText")
                    .asText();
            assertThat(versions)
                    .contains("v2")
                    .contains("parent v1")
                    .contains("from the base")
                    .contains("random-b")
                    .contains("blessed");
            assertThat(page.evaluate("document.querySelector('#versions tbody tr:nth-child(2)').textContent")
                            .asText())
                    .as("after the rollback, v1 is the champion")
                    .contains("v1")
                    .contains("champion");
            String index = page.evaluate("document.getElementById('index-events').innerText")
                    .asText();
            assertThat(index).contains("SWAPPED").contains("REINDEX_STARTED").contains("serving now");
            assertThat(page.evaluate("document.getElementById('ops-summary').textContent")
                            .asText())
                    .contains("champion v1");
            assertThat(page.evaluate("document.getElementById('ops-error').hidden")
                            .asBoolean())
                    .isTrue();
            Files.createDirectories(Path.of("target/screenshots"));
            Files.write(Path.of("target/screenshots/ops-page.png"), page.screenshot());
            // the Search tab brings the search form back
            page.evaluate("document.getElementById('tab-search').click(); true");
            page.awaitTrue(
                    "!document.getElementById('search-view').hidden && document.getElementById('ops-view').hidden",
                    Duration.ofSeconds(5));
        }
    }

    /**
     * The page in a real headless Chromium: it shows the live index, and a search fills the grid with loaded images.
     */
    private void searchPageShowsResultImages(String query) throws Exception {
        try (HeadlessBrowser browser = HeadlessBrowser.start(1280, 900);
                HeadlessBrowser.Page page = browser.open("http://localhost:" + port + "/#key=" + KEY)) {
            page.awaitTrue("document.getElementById('live').textContent.includes('v0')", Duration.ofSeconds(30));
            page.evaluate(
                    "document.getElementById('q').value = " + Json.mapper().writeValueAsString(query)
                            + "; document.getElementById('search').requestSubmit(); true");
            page.awaitTrue(
                    "(() => { const imgs = [...document.querySelectorAll('#results li.result img')];"
                            + " return imgs.length === 12 && imgs.every(i => i.complete && i.naturalWidth === 28); "
                            + "})()",
                    Duration.ofSeconds(30));
            assertThat(page.evaluate("document.getElementById('summary').textContent")
                            .asText())
                    .contains("v0")
                    .contains("images");
            String firstCaption = page.evaluate("document.querySelector('#results li.result .caption').textContent")
                    .asText();
            System.out.printf("search page: first result for \"%s\" is \"%s\"%n", query, firstCaption);
            assertThat(page.evaluate("document.getElementById('error').hidden").asBoolean())
                    .isTrue();
            Path shots = Path.of("target/screenshots");
            Files.createDirectories(shots);
            Files.write(shots.resolve("search-page.png"), page.screenshot());
            // a bad key shows the service's reason, not an empty grid
            page.evaluate("document.getElementById('key').value = 'wrong-key-0123456789'; "
                    + "document.getElementById('search').requestSubmit(); true");
            page.awaitTrue("!document.getElementById('error').hidden", Duration.ofSeconds(10));
            assertThat(page.evaluate("document.getElementById('error').textContent")
                            .asText())
                    .contains("search key");
        }
    }

    @Test
    void badQueriesGetProblemJson() {
        given().queryParam("q", "a coat")
                .get("/v1/search")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        // deny by default: the index's status and the operations view need the key too; health stays open
        given().get("/v1/index").then().statusCode(401).contentType("application/problem+json");
        given().get("/q/health/live").then().statusCode(200);
        given().header("X-Api-Key", "wrong-key-0123456789")
                .queryParam("q", "a coat")
                .get("/v1/search")
                .then()
                .statusCode(401);
        for (Map<String, Object> params : List.<Map<String, Object>>of(
                Map.of("q", ""),
                Map.of("q", "a coat", "k", 0),
                Map.of("q", "a coat", "k", 1000),
                Map.of("q", "x".repeat(1001)),
                Map.of("q", "a coat", "target", "sound"))) {
            given().header("X-Api-Key", KEY)
                    .queryParams(params)
                    .get("/v1/search")
                    .then()
                    .statusCode(400)
                    .contentType("application/problem+json")
                    .body("reason", org.hamcrest.Matchers.equalTo("INVALID_QUERY"));
        }
        given().contentType("image/png")
                .body(new byte[] {1, 2, 3})
                .post("/v1/search/image")
                .then()
                .statusCode(401)
                .contentType("application/problem+json");
        given().header("X-Api-Key", "wrong-key-0123456789")
                .contentType("image/png")
                .body(new byte[] {1, 2, 3})
                .post("/v1/search/image")
                .then()
                .statusCode(401);
        given().header("X-Api-Key", KEY)
                .contentType("image/png")
                .body(new byte[] {1, 2, 3})
                .post("/v1/search/image")
                .then()
                .statusCode(415)
                .body("reason", org.hamcrest.Matchers.equalTo("IMAGE_UNREADABLE"));
        given().header("X-Api-Key", KEY)
                .contentType("text/plain")
                .body("hello")
                .post("/v1/search/image")
                .then()
                .statusCode(415)
                .contentType("application/problem+json");

        // the query image goes through the curator's guards: a BMP embedding PNG data is refused undecoded
        byte[] bmp = new byte[70];
        bmp[0] = 'B';
        bmp[1] = 'M';
        bmp[14] = 40;
        bmp[30] = 5;
        given().header("X-Api-Key", KEY)
                .contentType("image/bmp")
                .body(bmp)
                .post("/v1/search/image")
                .then()
                .statusCode(415)
                .body("detail", org.hamcrest.Matchers.containsString("BMP with embedded"));

        // per-key admission of image queries: one client over its burst gets 429 with Retry-After, the others do not
        List<Response> burst = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            burst.add(given().header("X-Api-Key", "it-burst-key-0123456789")
                    .contentType("image/png")
                    .body(new byte[] {1, 2, 3})
                    .post("/v1/search/image"));
        }
        Response refused = burst.stream()
                .filter(r -> r.statusCode() == 429)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no 429 among "
                        + burst.stream().map(Response::statusCode).toList()));
        assertThat(refused.header("Retry-After")).isNotBlank();
        assertThat(refused.jsonPath().getString("reason")).isEqualTo("TOO_MANY_REQUESTS");
        // the burst (10) is admitted one after another, each released when answered: what runs out is the rate
        assertThat(burst.subList(0, 10)).extracting(Response::statusCode).containsOnly(415);
        assertThat(refused.jsonPath().getString("detail")).contains("requests per second");
        assertThat(burst).extracting(Response::statusCode).containsOnly(415, 429);
        given().header("X-Api-Key", KEY)
                .contentType("image/png")
                .body(new byte[] {1, 2, 3})
                .post("/v1/search/image")
                .then()
                .statusCode(415);
    }
}
