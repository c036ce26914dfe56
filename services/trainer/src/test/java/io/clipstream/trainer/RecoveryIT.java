package io.clipstream.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.TopicCreator;
import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionRecord;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageSettings;
import io.clipstream.testkit.Infra;
import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.ledger.JsonObjects;
import io.clipstream.trainer.ledger.LedgerStore;
import io.clipstream.trainer.ledger.PendingPairs;
import io.clipstream.trainer.ledger.RefusedRecords;
import io.clipstream.trainer.lock.RunLock;
import io.clipstream.trainer.metrics.TrainerMetrics;
import io.clipstream.trainer.run.Announcer;
import io.clipstream.trainer.run.RunScheduler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a restarted trainer finds after a hard stop, on the real broker and S3 server, through the production wiring
 * ({@link TrainerBeans}): a version whose MANIFEST.json was written but whose announcement was not is announced
 * exactly once, however often the trainer restarts; the pairs in its data window are not read again; a lock left by
 * a run that died with its process ends that run FAILED and is released.
 */
class RecoveryIT {
    private static final String MODEL = "recovery";
    private static final String CURATED = "recovery-it.pairs.curated";
    private static final String RUNS = "recovery-it.training.runs";
    private static final String VERSIONS = "recovery-it.model.versions";

    @TempDir
    Path tmp;

    private final TrainerBeans beans = new TrainerBeans();
    private final Map<String, Object> kafka = new HashMap<>(Infra.shared().kafkaClientConfig());
    private String bucket;
    private TrainerConfig cfg;
    private StorageSettings storage;
    private TopicsConfig topics;
    private ObjectStore store;
    private Producer<String, byte[]> producer;
    private final List<RunScheduler> started = new ArrayList<>();
    private SimpleMeterRegistry meters;

    @BeforeEach
    void setUp() {
        bucket = "recovery-" + System.nanoTime();
        Map<String, String> props = new HashMap<>(Infra.shared().quarkusConfig());
        props.put("clipstream.storage.bucket", bucket);
        props.put("clipstream.topics.curated", CURATED + "-" + bucket);
        props.put("clipstream.topics.training-runs", RUNS + "-" + bucket);
        props.put("clipstream.topics.model-versions", VERSIONS + "-" + bucket);
        props.put("clipstream.trainer.model", MODEL);
        props.put("clipstream.trainer.work-dir", tmp.resolve("work").toString());
        props.put("clipstream.trainer.trigger.count", "1000000");
        props.put("clipstream.trainer.trigger.interval", "24h");
        props.put("clipstream.trainer.trigger.check-every", "200ms");
        props.put("clipstream.trainer.trigger.retry-backoff", "200ms");
        props.put("clipstream.trainer.trigger.max-attempts", "2");
        // Quarkus' duration syntax ("10s") as the application reads it
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(TrainerConfig.class)
                .withMapping(StorageSettings.class)
                .withMapping(TopicsConfig.class)
                .withSources(new PropertiesConfigSource(props, "RecoveryIT", 500))
                .build();
        cfg = config.getConfigMapping(TrainerConfig.class);
        storage = config.getConfigMapping(StorageSettings.class);
        topics = config.getConfigMapping(TopicsConfig.class);
        store = beans.objectStore(storage);
        producer = beans.producer(kafka);
        Map<TopicSpec, String> names = new LinkedHashMap<>();
        names.put(TopicSpecs.PAIRS_CURATED, CURATED + "-" + bucket);
        names.put(TopicSpecs.TRAINING_RUNS, RUNS + "-" + bucket);
        names.put(TopicSpecs.MODEL_VERSIONS, VERSIONS + "-" + bucket);
        TopicCreator.createMissing(KafkaClientSettings.forAdmin(kafka), names, 1, (short) 1, n -> {});
    }

    @AfterEach
    void tearDown() {
        started.forEach(RunScheduler::close);
        if (producer != null) {
            producer.close();
        }
        if (store != null) {
            store.close();
        }
    }

    /** Starts a trainer as the application wires it; {@code pending} is what its feed reads. */
    private void start(PendingPairs pending) {
        ModelLayout layout = beans.layout(cfg);
        Registry registry = beans.registry(store, layout);
        Announcer announcer = new Announcer(producer, KafkaClientSettings.forConsumer(kafka), VERSIONS + "-" + bucket);
        meters = new SimpleMeterRegistry();
        TrainerMetrics metrics = new TrainerMetrics(meters, Clock.systemUTC(), pending::perDomain);
        RunScheduler s = beans.scheduler(
                cfg,
                store,
                layout,
                registry,
                announcer,
                producer,
                pending,
                new io.clipstream.trainer.ledger.Quarantine(new JsonObjects(store), layout),
                new RefusedRecords(),
                metrics,
                Clock.systemUTC(),
                storage,
                kafka,
                topics);
        s.start();
        started.add(s);
    }

    private <T> List<T> readAll(String topic, Class<T> type) {
        try (KafkaConsumer<String, byte[]> c = Readers.create(KafkaClientSettings.forConsumer(kafka))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<T> out = new ArrayList<>();
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(Json.read(r.value(), type));
                }
            }
            return out;
        }
    }

    private void sendCurated(int n, int from) throws Exception {
        Instant t = Instant.now();
        for (int i = from; i < from + n; i++) {
            String sha = String.format("%064x", 1000 + i);
            PairCurated c = new PairCurated(
                    PairCurated.SCHEMA_VERSION,
                    "p" + i,
                    "it",
                    "plain",
                    sha,
                    ContentAddress.imageKey(sha, "png"),
                    ContentAddress.textKey("it", sha),
                    "png",
                    "0000000000000000",
                    28,
                    28,
                    "a photo of a circle.",
                    Map.of(),
                    t,
                    t);
            producer.send(new ProducerRecord<>(CURATED + "-" + bucket, c.catalogueKey(), Json.write(c)))
                    .get();
        }
    }

    /** A version in storage whose announcement never happened: MANIFEST.json written, nothing on model.versions. */
    private VersionRecord publishWithoutAnnouncing(long to) throws Exception {
        return publishWithoutAnnouncing(to, null);
    }

    private VersionRecord publishWithoutAnnouncing(long to, ModelVersion.BasePin base) throws Exception {
        // what a staged PEFT adapter directory holds (recovery never reads the weights)
        Path staged = Files.createDirectories(tmp.resolve("staged"));
        Files.writeString(staged.resolve("adapter_config.json"), "{\"peft_type\": \"LORA\", \"r\": 4}");
        Files.write(staged.resolve(Registry.ADAPTER_WEIGHTS), new byte[] {1, 2, 3, 4});
        Registry registry = beans.registry(store, beans.layout(cfg));
        ModelVersion.DataWindow window = new ModelVersion.DataWindow(
                CURATED + "-" + bucket, Map.of(0, new ModelVersion.OffsetRange(0, to)), Map.of("plain", (int) to));
        return registry.publish(
                staged,
                new VersionRecord(
                        MODEL,
                        0,
                        null,
                        "models/" + MODEL + "/base/",
                        base,
                        null,
                        window,
                        Map.of("plain", Map.of("r1_mean", 0.5)),
                        Map.of(),
                        new ModelVersion.Gate(true, "candidate", List.of(), List.of()),
                        "guarded",
                        MODEL + "-run-1",
                        "cpu",
                        Instant.now()));
    }

    @Test
    void aVersionPublishedButNotAnnouncedIsAnnouncedOnceAndItsPairsAreNotReadAgain() throws Exception {
        sendCurated(5, 0);
        // the trainer stopped right after MANIFEST.json
        VersionRecord published = publishWithoutAnnouncing(5);
        assertThat(published.version()).isEqualTo(1);

        PendingPairs pending = new PendingPairs();
        start(pending);
        List<ModelVersion> announced = readAll(VERSIONS + "-" + bucket, ModelVersion.class);
        assertThat(announced).singleElement().satisfies(v -> {
            assertThat(v.version()).isEqualTo(1);
            assertThat(v.latestVersion()).isEqualTo(1);
            assertThat(v.adapterSha256()).isEqualTo(published.adapterSha256());
        });
        LedgerStore ledger = new LedgerStore(new JsonObjects(store), beans.layout(cfg));
        assertThat(ledger.load().next(0)).isEqualTo(5);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> pending.snapshot().readUpTo().getOrDefault(0, 0L) >= 5);
        assertThat(pending.size())
                .as("pairs of the published version are not waiting again")
                .isZero();

        // a second restart announces nothing more; new pairs wait
        started.remove(0).close();
        PendingPairs again = new PendingPairs();
        start(again);
        assertThat(readAll(VERSIONS + "-" + bucket, ModelVersion.class)).hasSize(1);
        sendCurated(2, 5);
        await().atMost(Duration.ofSeconds(60)).until(() -> again.size() == 2);
        assertThat(again.snapshot().pairs()).extracting(p -> p.offset()).containsExactly(5L, 6L);
    }

    @Test
    void aRunThatDiedWithItsTrainerEndsFailedAndIsRetriedAndAMissingBaseFailsTheRunClearly() throws Exception {
        sendCurated(3, 0);
        JsonObjects objects = new JsonObjects(store);
        RunLock lock = new RunLock(objects, beans.layout(cfg), "test", Duration.ofSeconds(60), Clock.systemUTC());
        // the lease of a trainer that died a minute ago
        assertThat(objects.create(
                        beans.layout(cfg).lock(),
                        new RunLock.Holder(
                                MODEL + "-run-7",
                                1,
                                TrainingRun.Trigger.COUNT,
                                Instant.now().minusSeconds(120),
                                "dead-trainer",
                                Instant.now().minusSeconds(60))))
                .isTrue();

        start(new PendingPairs());
        // attempt 1 is the run that died; attempt 2 retries it and fails: no base checkpoint in storage; max-attempts
        // is 2
        await().atMost(Duration.ofSeconds(60))
                .until(() -> readAll(RUNS + "-" + bucket, TrainingRun.class).stream()
                                .filter(e -> e.state() == TrainingRun.State.FAILED)
                                .count()
                        == 2);
        List<TrainingRun> events = readAll(RUNS + "-" + bucket, TrainingRun.class);
        assertThat(events)
                .extracting(TrainingRun::state, TrainingRun::attempt, TrainingRun::trigger)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(TrainingRun.State.FAILED, 1, TrainingRun.Trigger.COUNT),
                        org.assertj.core.groups.Tuple.tuple(TrainingRun.State.STARTED, 2, TrainingRun.Trigger.RETRY),
                        org.assertj.core.groups.Tuple.tuple(TrainingRun.State.FAILED, 2, TrainingRun.Trigger.RETRY));
        assertThat(events).allMatch(e -> e.runId().equals(MODEL + "-run-7"));
        assertThat(events.get(0).error()).contains("interrupted");
        assertThat(events.get(2).error()).contains("no base checkpoint under models/" + MODEL + "/base/");
        assertThat(lock.holder()).isEmpty();
        assertThat(new LedgerStore(objects, beans.layout(cfg)).load().next(0))
                .as("a failed run takes no pairs")
                .isZero();
    }

    @Test
    void aVersionLeftUnannouncedWhileTheTrainerRunsIsAnnouncedBeforeTheNextRunStarts() throws Exception {
        sendCurated(5, 0);
        PendingPairs pending = new PendingPairs();
        start(pending);
        await().atMost(Duration.ofSeconds(60)).until(() -> pending.size() == 5);
        // a run of this trainer published v1 over offsets 0-2, and the broker failed before its announcement
        VersionRecord published = publishWithoutAnnouncing(3);
        assertThat(started.getFirst().requestRun()).isTrue();

        await().atMost(Duration.ofSeconds(60))
                .until(() -> readAll(RUNS + "-" + bucket, TrainingRun.class).stream()
                        .anyMatch(e -> e.state() == TrainingRun.State.STARTED));
        assertThat(readAll(VERSIONS + "-" + bucket, ModelVersion.class))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.version()).isEqualTo(published.version());
                    assertThat(v.latestVersion()).isEqualTo(1);
                });
        TrainingRun startedRun = readAll(RUNS + "-" + bucket, TrainingRun.class).stream()
                .filter(e -> e.state() == TrainingRun.State.STARTED)
                .findFirst()
                .orElseThrow();
        assertThat(startedRun.pairsPerDomain())
                .as("the run takes only the pairs after v1's window")
                .containsExactly(Map.entry("plain", 2));
        assertThat(new LedgerStore(new JsonObjects(store), beans.layout(cfg))
                        .load()
                        .next(0))
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void aRunWaitsWhileAnotherTrainersLeaseIsValidAndStartsOnceItIsReleased() throws Exception {
        sendCurated(3, 0);
        // the Job beside this Deployment holds the lock and renews it
        RunLock job = new RunLock(
                new JsonObjects(store), beans.layout(cfg), "job-pod", Duration.ofSeconds(60), Clock.systemUTC());
        assertThat(job.acquire(MODEL + "-job-run", 1, TrainingRun.Trigger.MANUAL))
                .isInstanceOf(RunLock.Taken.class);
        PendingPairs pending = new PendingPairs();
        start(pending);
        await().atMost(Duration.ofSeconds(60)).until(() -> pending.size() == 3);
        assertThat(started.getFirst().requestRun()).isTrue();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> meters.counter("clipstream.trainer.run.lock-held").count() >= 3);
        assertThat(readAll(RUNS + "-" + bucket, TrainingRun.class))
                .as("no run starts beside the job's")
                .isEmpty();
        assertThat(job.holder()).get().extracting(RunLock.Holder::owner).isEqualTo("job-pod");

        assertThat(job.release()).isTrue();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> readAll(RUNS + "-" + bucket, TrainingRun.class).stream()
                        .anyMatch(e -> e.state() == TrainingRun.State.STARTED));
        List<TrainingRun> events = readAll(RUNS + "-" + bucket, TrainingRun.class);
        assertThat(events.getFirst().runId())
                .as("the waiting cost no run number")
                .isEqualTo(MODEL + "-run-1");
        assertThat(events).noneMatch(e -> e.runId().equals(MODEL + "-job-run"));
    }

    /**
     * The base replaced in storage after the champion was trained on it: the run fails naming both, nothing is
     * published.
     */
    @Test
    void aChampionIsNotLoadedOnABaseOtherThanTheOneItWasTrainedOn() throws Exception {
        sendCurated(3, 0);
        Registry registry = beans.registry(store, beans.layout(cfg));
        Path base = tmp.resolve("base");
        io.clipstream.clip.tools.GenerateTinyClip.generate(base, io.clipstream.clip.tools.TinyClipSpec.defaults());
        registry.uploadBase(base);
        VersionRecord v1 = publishWithoutAnnouncing(0, Registry.pinOf(base));
        new Announcer(producer, KafkaClientSettings.forConsumer(kafka), VERSIONS + "-" + bucket)
                .announce(v1.announcement(ModelVersion.Announcement.PROMOTED, 1, bucket, Instant.now()));
        // another tokenizer put in its place, with a manifest of its own
        Files.writeString(
                base.resolve("tokenizer.json"),
                Files.readString(base.resolve("tokenizer.json")).replaceFirst("\\{", "{ "));
        registry.uploadBase(base);

        TrainingRun failed = startAndRunByHandUntilItFails(3);
        assertThat(failed.error())
                .contains("is not the one v1 was trained on")
                .contains(v1.basePin().describe());
        assertThat(registry.versions())
                .as("nothing published over the champion")
                .containsExactly(1);
        assertThat(readAll(VERSIONS + "-" + bucket, ModelVersion.class))
                .singleElement()
                .satisfies(v -> assertThat(v.basePin()).isEqualTo(v1.basePin()));
    }

    /**
     * Starts a trainer, waits until its feed has read {@code waiting} pairs, asks for a run, and returns its FAILED
     * event.
     */
    private TrainingRun startAndRunByHandUntilItFails(int waiting) {
        PendingPairs pending = new PendingPairs();
        start(pending);
        await().atMost(Duration.ofSeconds(60)).until(() -> pending.size() == waiting);
        assertThat(started.getFirst().requestRun()).isTrue();
        await().atMost(Duration.ofSeconds(120))
                .until(() -> readAll(RUNS + "-" + bucket, TrainingRun.class).stream()
                        .anyMatch(e -> e.state() == TrainingRun.State.FAILED));
        return readAll(RUNS + "-" + bucket, TrainingRun.class).stream()
                .filter(e -> e.state() == TrainingRun.State.FAILED)
                .findFirst()
                .orElseThrow();
    }

    /**
     * The champion's files rewritten in storage, adapter and manifest together (consistent with each other): the
     * trainer refuses to load it, the run fails saying why, and nothing is published or announced over it.
     */
    @Test
    void aChampionRewrittenInStorageIsRefusedAndNothingReplacesIt() throws Exception {
        sendCurated(3, 0);
        Registry registry = beans.registry(store, beans.layout(cfg));
        io.clipstream.clip.tools.GenerateTinyClip.generate(
                tmp.resolve("base"), io.clipstream.clip.tools.TinyClipSpec.defaults());
        registry.uploadBase(tmp.resolve("base"));
        VersionRecord v1 = publishWithoutAnnouncing(0);
        new Announcer(producer, KafkaClientSettings.forConsumer(kafka), VERSIONS + "-" + bucket)
                .announce(v1.announcement(ModelVersion.Announcement.PROMOTED, 1, bucket, Instant.now()));
        String prefix = registry.layout().version(1);
        byte[] forged = {6, 6, 6, 6};
        store.put(prefix + Registry.ADAPTER_WEIGHTS, forged, "application/octet-stream");
        Map<String, String> files = new java.util.TreeMap<>(io.clipstream.registry.VersionManifest.parse(
                store.get(prefix + io.clipstream.registry.VersionManifest.FILE).orElseThrow()));
        files.put(Registry.ADAPTER_WEIGHTS, ContentAddress.sha256Hex(forged));
        store.put(
                prefix + io.clipstream.registry.VersionManifest.FILE,
                io.clipstream.registry.VersionManifest.render(files),
                "application/json");

        TrainingRun failed = startAndRunByHandUntilItFails(3);
        assertThat(failed.error()).contains("is not the one announced");
        assertThat(registry.versions())
                .as("nothing published over the champion")
                .containsExactly(1);
        assertThat(readAll(VERSIONS + "-" + bucket, ModelVersion.class))
                .singleElement()
                .satisfies(v -> assertThat(v.adapterSha256()).isEqualTo(v1.adapterSha256()));
    }
}
