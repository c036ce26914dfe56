package io.clipstream.curator.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.DomainCatalogue;
import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.curator.config.QualityProfiles;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.faults.StorageHealth;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.CandidateSerde;
import io.clipstream.curator.inspect.ImageSource;
import io.clipstream.curator.inspect.PairInspector;
import io.clipstream.curator.inspect.Verdict;
import io.clipstream.curator.it.TestPairs;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.curator.store.CuratedObjectWriter;
import io.clipstream.curator.store.StoreStep;
import io.clipstream.imaging.DecodeLimits;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The topology in a TopologyTestDriver (no broker; records flow synchronously through both
 * repartitions), its accepted pairs then through the store step, writing to the real S3 server of
 * the testkit. The store stage's Kafka side is tested on the real broker (CuratorIT, CrashRecoveryIT).
 */
class CuratorTopologyIT {
    private static final DomainCatalogue DOMAINS =
            DomainCatalogue.open("base", Map.of("it", "it", "acme", "it", "globex", "it"));
    private static final TopicNames TOPICS = new TopicNames("raw", "curated", "rejected", "deadletter", "accepted");
    private static ObjectStore store;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private Curated curated;
    private TestOutputTopic<String, PairRejected> rejected;
    private StorageHealth health;
    private Path stateDir;

    @BeforeAll
    static void connect() {
        Infra infra = Infra.shared();
        store = ObjectStore.connect(StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                .withBucket("curator-topology-it"));
        store.ensureBucket();
    }

    @AfterAll
    static void disconnect() {
        store.close();
    }

    @BeforeEach
    void start() throws Exception {
        QualityProfiles profiles = QualityProfiles.onlyDefaults(QualityProfile.defaults());
        CuratorMetrics metrics = new CuratorMetrics(new SimpleMeterRegistry());
        Clock clock = Clock.systemUTC();
        health = new StorageHealth(() -> true, () -> {}, Duration.ofSeconds(1));
        InPlaceRetry retry = new InPlaceRetry(health, 2, Duration.ofMillis(10), Duration.ofSeconds(5));
        TopologyProducer producer = new TopologyProducer(
                TOPICS,
                new PairInspector(profiles, DOMAINS, ImageSource.NONE, DecodeLimits.DEFAULTS, 256, clock),
                profiles,
                256,
                retry,
                metrics,
                clock);
        stateDir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "driver-state");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "curator-driver");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(producer.buildTopology(), props);
        raw = driver.createInputTopic(
                "raw", new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer());
        curated = new Curated(
                driver.createOutputTopic("accepted", new StringDeserializer(), new CandidateSerde().deserializer()),
                new StoreStep(new CuratedObjectWriter(store, metrics, false), retry, clock));
        rejected = driver.createOutputTopic(
                "rejected", new StringDeserializer(), EventSerdes.pairRejected().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        health.close();
        io.clipstream.testkit.ChildJvm.deleteRecursively(stateDir);
    }

    /** The event validates against its JSON Schema in shared/contracts. */
    private static void assertValid(String schema, Object event) throws Exception {
        var factory = com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012);
        var config = com.networknt.schema.SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .build();
        try (var in = CuratorTopologyIT.class.getResourceAsStream("/schemas/" + schema + ".schema.json")) {
            assertThat(factory.getSchema(in, config)
                            .validate(io.clipstream.contracts.Json.mapper()
                                    .readTree(io.clipstream.contracts.Json.write(event))))
                    .as(event.toString())
                    .isEmpty();
        }
    }

    private static byte[] png(long seed) {
        return TestImages.png(TestImages.photo(220, 210, seed));
    }

    @Test
    void goodPairIsStoredThenCuratedUnderItsSha256() throws Exception {
        byte[] image = png(1);
        raw.pipeInput("t-1", TestPairs.event("t-1", "it", "a striped umbrella", image));

        TestRecord<String, PairCurated> out = curated.readRecord();
        String sha = ContentAddress.sha256Hex(image);
        assertThat(out.key()).isEqualTo("it/" + sha);
        assertThat(out.value().pairId()).isEqualTo("t-1");
        assertThat(out.value().imageKey()).isEqualTo(ContentAddress.imageKey(sha, "png"));
        assertThat(store.get(out.value().imageKey()))
                .hasValueSatisfying(b -> assertThat(b).isEqualTo(image));
        assertThat(out.value().textKey()).as("no text object by default").isNull();
        assertThat(store.exists(ContentAddress.textKey("it", sha))).isFalse();
        assertThat(rejected.isEmpty()).isTrue();
        assertValid("PairCurated", out.value());
    }

    @Test
    void unreadableRecordIsRejectedAndTheNextOneStillFlows() throws Exception {
        raw.pipeInput("t-bad", "\u0000\u0001garbage".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput("t-2", TestPairs.event("t-2", "it", "a striped umbrella", png(2)));

        TestRecord<String, PairRejected> r = rejected.readRecord();
        assertThat(r.key()).isEqualTo("t-bad");
        assertThat(r.value().reasons()).containsExactly(ReasonCode.MALFORMED_EVENT);
        assertThat(r.value().rawTopic()).isEqualTo("raw");
        assertThat(r.value().rawOffset()).isZero();
        assertValid("PairRejected", r.value());
        assertThat(curated.readValue().pairId()).isEqualTo("t-2");
    }

    @Test
    void sameBytesUnderAnotherPairIdIsAnExactDuplicateButTheSamePairIdAgainIsNot() throws Exception {
        byte[] image = png(3);
        raw.pipeInput("t-3", TestPairs.event("t-3", "it", "a blue bicycle", image));
        raw.pipeInput("t-3", TestPairs.event("t-3", "it", "a blue bicycle", image)); // a producer retry
        raw.pipeInput("t-4", TestPairs.event("t-4", "it", "another caption", image));

        List<PairCurated> out = curated.readValuesToList();
        assertThat(out).extracting(PairCurated::pairId).containsExactly("t-3", "t-3");
        assertThat(out.get(0).sha256()).isEqualTo(out.get(1).sha256());
        PairRejected r = rejected.readValue();
        assertThat(r.pairId()).isEqualTo("t-4");
        assertThat(r.reasons()).containsExactly(ReasonCode.DUPLICATE_EXACT);
        assertThat(r.rawOffset()).isEqualTo(2);
        assertValid("PairRejected", r);
    }

    @Test
    void nearDuplicateNeedsTheSameNormalisedCaption() {
        BufferedImage photo = TestImages.photo(230, 230, 4);
        byte[] touched = TestImages.jpg(TestImages.copyWithPixel(photo, 10, 10, 0xffffff));
        raw.pipeInput("t-5", TestPairs.event("t-5", "it", "A green <i>teapot</i>", TestImages.png(photo)));
        raw.pipeInput("t-6", TestPairs.event("t-6", "it", "a   GREEN teapot", touched));
        byte[] touchedElsewhere = TestImages.jpg(TestImages.copyWithPixel(photo, 20, 20, 0x000000));
        raw.pipeInput("t-7", TestPairs.event("t-7", "it", "a teapot on a table", touchedElsewhere));

        assertThat(curated.readValuesToList()).extracting(PairCurated::pairId).containsExactly("t-5", "t-7");
        PairRejected r = rejected.readValue();
        assertThat(r.pairId()).isEqualTo("t-6");
        assertThat(r.reasons()).containsExactly(ReasonCode.DUPLICATE_NEAR);
    }

    @Test
    void aPairIsItsSourceAndIdSoRetriesAreIdempotentAndConflictsRefused() throws Exception {
        byte[] image = png(8);
        raw.pipeInput("id-1", TestPairs.event("id-1", "acme", "a yellow kayak", image));
        raw.pipeInput("id-1", TestPairs.event("id-1", "acme", "a yellow kayak", image)); // retry, same content
        raw.pipeInput("id-1", TestPairs.event("id-1", "acme", "a yellow kayak", png(9))); // same id, other image
        raw.pipeInput("id-1", TestPairs.event("id-1", "globex", "a red canoe", png(10))); // other producer, same id

        assertThat(curated.readValuesToList())
                .extracting(c -> c.source() + "/" + c.pairId())
                .containsExactly("acme/id-1", "acme/id-1", "globex/id-1");
        PairRejected r = rejected.readValue();
        assertThat(r.reasons()).containsExactly(ReasonCode.PAIR_ID_CONFLICT);
        assertThat(r.source()).isEqualTo("acme");
        assertThat(r.detail()).contains("acme/id-1");
        assertThat(rejected.isEmpty()).isTrue();
        assertValid("PairRejected", r);
    }

    /**
     * De-duplication is scoped by producer: a producer who sent a public image first neither blocks another's copy
     * (exact or near) nor shares its catalogue entry; within one producer, duplicates are still refused.
     */
    @Test
    void anotherProducersCopyOfAnImageIsItsOwnPairAndDuplicatesAreJudgedWithinOneProducer() {
        byte[] image = png(11);
        raw.pipeInput("heron-1", TestPairs.event("heron-1", "acme", "a grey heron", image));
        raw.pipeInput(
                "heron-a",
                TestPairs.event("heron-a", "globex", "a grey heron", image)); // the same bytes, another producer
        BufferedImage photo = TestImages.photo(230, 230, 12);
        raw.pipeInput("pot-1", TestPairs.event("pot-1", "acme", "a green teapot", TestImages.png(photo)));
        byte[] touched = TestImages.jpg(TestImages.copyWithPixel(photo, 10, 10, 0xffffff));
        raw.pipeInput("pot-a", TestPairs.event("pot-a", "globex", "a green teapot", touched)); // near, another producer
        raw.pipeInput(
                "heron-2", TestPairs.event("heron-2", "acme", "a grey heron again", image)); // acme's own bytes again
        raw.pipeInput("heron-b", TestPairs.event("heron-b", "globex", "a grey heron", png(13)));
        raw.pipeInput(
                "pot-b",
                TestPairs.event(
                        "pot-b",
                        "globex",
                        "a GREEN teapot",
                        TestImages.jpg(TestImages.copyWithPixel(photo, 30, 30, 0))));

        List<TestRecord<String, PairCurated>> out = curated.readRecordsToList();
        assertThat(out)
                .extracting(r -> r.value().source() + "/" + r.value().pairId())
                .containsExactly("acme/heron-1", "globex/heron-a", "acme/pot-1", "globex/pot-a", "globex/heron-b");
        String sha = ContentAddress.sha256Hex(image);
        assertThat(out.get(0).key()).isEqualTo("acme/" + sha);
        assertThat(out.get(1).key())
                .as("each producer's copy has its own catalogue entry")
                .isEqualTo("globex/" + sha);
        assertThat(out.get(1).value().imageKey())
                .as("the bytes are stored once")
                .isEqualTo(out.get(0).value().imageKey());

        List<PairRejected> refused = rejected.readValuesToList();
        assertThat(refused)
                .extracting(PairRejected::pairId, r -> r.reasons().getFirst())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("heron-2", ReasonCode.DUPLICATE_EXACT),
                        org.assertj.core.groups.Tuple.tuple("pot-b", ReasonCode.DUPLICATE_NEAR));
        assertThat(refused.get(0).detail()).contains("acme/heron-1");
        assertThat(refused.get(1).detail())
                .as("judged against globex's own copy, not acme's")
                .contains("globex/pot-a")
                .doesNotContain("acme");
    }

    @Test
    void aPairWhoseObjectsCannotBeWrittenIsDeadLetteredWithItsValueForReplay() throws Exception {
        QualityProfiles profiles = QualityProfiles.onlyDefaults(QualityProfile.defaults());
        CuratorMetrics metrics = new CuratorMetrics(new SimpleMeterRegistry());
        Clock clock = Clock.systemUTC();
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "driver-dead-state");
        // storage that answers the probe but fails every write: nothing listens on port 9
        try (ObjectStore dead = ObjectStore.connect(
                        StorageConfig.of("http://127.0.0.1:9", "k", "s").withRetries(Duration.ofMillis(300), 1));
                StorageHealth up = new StorageHealth(() -> true, () -> {}, Duration.ofSeconds(1))) {
            InPlaceRetry retry = new InPlaceRetry(up, 2, Duration.ofMillis(10), Duration.ofSeconds(5));
            TopologyProducer producer = new TopologyProducer(
                    TOPICS,
                    new PairInspector(profiles, DOMAINS, ImageSource.NONE, DecodeLimits.DEFAULTS, 256, clock),
                    profiles,
                    256,
                    retry,
                    metrics,
                    clock);
            StoreStep step = new StoreStep(new CuratedObjectWriter(dead, metrics, false), retry, clock);
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "curator-driver-dead");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
            try (TopologyTestDriver d = new TopologyTestDriver(producer.buildTopology(), props)) {
                var in = d.createInputTopic(
                        "raw", new org.apache.kafka.common.serialization.StringSerializer(), new ByteArraySerializer());
                var accepted =
                        d.createOutputTopic("accepted", new StringDeserializer(), new CandidateSerde().deserializer());
                byte[] image = png(21);
                in.pipeInput("dl-1", TestPairs.event("dl-1", "it", "a pair storage refuses", image));

                Verdict verdict = step.store(accepted.readValue());
                assertThat(verdict).isInstanceOf(Verdict.DeadLetter.class);
                var letter = verdict.deadLetter();
                assertThat(letter.pairId()).isEqualTo("dl-1");
                assertThat(letter.stage()).isEqualTo("store");
                assertThat(letter.attempts()).isEqualTo(2);
                assertThat(letter.errorClass())
                        .isEqualTo(io.clipstream.storage.StorageUnavailableException.class.getName());
                var replay = io.clipstream.contracts.Json.read(
                        java.util.Base64.getDecoder().decode(letter.rawValueBase64()),
                        io.clipstream.contracts.PairSubmitted.class);
                assertThat(replay.pairId()).isEqualTo("dl-1");
                assertThat(java.util.Base64.getDecoder().decode(replay.imageBase64()))
                        .isEqualTo(image);
                assertValid("PairDeadLettered", letter);
                assertThat(accepted.isEmpty()).isTrue();
                assertThat(up.up())
                        .as("held down: consumption pauses for a while")
                        .isFalse();
            }
        } finally {
            io.clipstream.testkit.ChildJvm.deleteRecursively(dir);
        }
    }

    /** The accepted topic's records through the store step: what the store stage would publish on pairs.curated. */
    private record Curated(TestOutputTopic<String, Candidate> accepted, StoreStep step) {
        TestRecord<String, PairCurated> readRecord() {
            TestRecord<String, Candidate> r = accepted.readRecord();
            Verdict v = step.store(r.value());
            assertThat(v).as("stored").isInstanceOf(Verdict.Curated.class);
            return new TestRecord<>(r.key(), v.curatedPair());
        }

        PairCurated readValue() {
            return readRecord().value();
        }

        List<TestRecord<String, PairCurated>> readRecordsToList() {
            List<TestRecord<String, PairCurated>> out = new ArrayList<>();
            while (!accepted.isEmpty()) {
                out.add(readRecord());
            }
            return out;
        }

        List<PairCurated> readValuesToList() {
            List<PairCurated> out = new ArrayList<>();
            while (!accepted.isEmpty()) {
                out.add(readValue());
            }
            return out;
        }
    }
}
