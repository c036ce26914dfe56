package io.clipstream.trainer;

import io.clipstream.contracts.Backoff;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.TopicCreator;
import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.contracts.TrainingRun.State;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageSettings;
import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.ledger.CuratedFeed;
import io.clipstream.trainer.ledger.ExpertGroups;
import io.clipstream.trainer.ledger.JsonObjects;
import io.clipstream.trainer.ledger.LedgerStore;
import io.clipstream.trainer.ledger.PendingPairs;
import io.clipstream.trainer.ledger.Quarantine;
import io.clipstream.trainer.ledger.RefusedRecords;
import io.clipstream.trainer.lock.RunLock;
import io.clipstream.trainer.metrics.TrainerMetrics;
import io.clipstream.trainer.run.Announcer;
import io.clipstream.trainer.run.Materialiser;
import io.clipstream.trainer.run.PairSets;
import io.clipstream.trainer.run.RunEvents;
import io.clipstream.trainer.run.RunScheduler;
import io.clipstream.trainer.run.TrainingRunner;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Wires the plain classes into CDI and starts the scheduler once the application is up. */
public class TrainerBeans {
    private static final Logger LOG = Logger.getLogger(TrainerBeans.class);

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(StorageSettings s) {
        ObjectStore store = ObjectStore.connect(s.toConfig());
        store.ensureBucket();
        return store;
    }

    void closeObjectStore(@Disposes ObjectStore store) {
        store.close();
    }

    @Produces
    @Singleton
    Producer<String, byte[]> producer(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        Map<String, Object> cfg = new HashMap<>(KafkaClientSettings.forProducer(kafka));
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(cfg);
    }

    void closeProducer(@Disposes Producer<String, byte[]> producer) {
        producer.close();
    }

    @Produces
    @Singleton
    ModelLayout layout(TrainerConfig cfg) {
        return new ModelLayout(cfg.model());
    }

    @Produces
    @Singleton
    Registry registry(ObjectStore store, ModelLayout layout) {
        return new Registry(store, layout);
    }

    @Produces
    @Singleton
    PendingPairs pendingPairs() {
        return new PendingPairs();
    }

    @Produces
    @Singleton
    Quarantine quarantine(ObjectStore store, ModelLayout layout) {
        return new Quarantine(new JsonObjects(store), layout);
    }

    @Produces
    @Singleton
    RefusedRecords refusedRecords() {
        return new RefusedRecords();
    }

    @Produces
    @Singleton
    TrainerMetrics metrics(MeterRegistry registry, Clock clock, PendingPairs pending) {
        return new TrainerMetrics(registry, clock, pending::perDomain);
    }

    @Produces
    @Singleton
    Announcer announcer(
            Producer<String, byte[]> producer,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            TopicsConfig topics) {
        return new Announcer(producer, KafkaClientSettings.forConsumer(kafka), topics.modelVersions());
    }

    @Produces
    @Singleton
    RunScheduler scheduler(
            TrainerConfig cfg,
            ObjectStore store,
            ModelLayout layout,
            Registry registry,
            Announcer announcer,
            Producer<String, byte[]> producer,
            PendingPairs pending,
            Quarantine quarantine,
            RefusedRecords refused,
            TrainerMetrics metrics,
            Clock clock,
            StorageSettings storage,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            TopicsConfig topics) {
        String curated = topics.curated();
        String runs = topics.trainingRuns();
        JsonObjects objects = new JsonObjects(store);
        RunLock lock = new RunLock(
                objects, layout, TrainerIdentity.create(), cfg.lock().ttl(), clock);
        LedgerStore ledger = new LedgerStore(objects, layout);
        Materialiser materialiser = new Materialiser(
                store,
                cfg.workDir().resolve("cache"),
                cfg.train().maxImageSide(),
                cfg.classes(),
                cfg.decodedCacheMb() * 1024L * 1024L);
        TrainingRunner runner = new TrainingRunner(
                cfg,
                registry,
                announcer,
                new RunEvents(producer, runs),
                lock,
                ledger,
                new PairSets(objects, layout),
                quarantine,
                pending,
                materialiser,
                metrics,
                clock,
                storage.bucket(),
                curated);
        CuratedFeed feed = new CuratedFeed(
                KafkaClientSettings.forConsumer(kafka),
                curated,
                pending,
                new Backoff(cfg.feed().restartBackoff(), cfg.feed().maxRestartBackoff()),
                clock,
                r -> {
                    refused.add(r);
                    metrics.refused(r.reason());
                },
                cfg.fetchOnArrival() ? runner::arrived : read -> {},
                metrics::feedRestarted,
                new ExpertGroups(cfg.expertOf()));
        return new RunScheduler(
                cfg, runner, lock, ledger, registry, announcer, feed, pending, metrics, clock, storage.bucket());
    }

    void closeScheduler(@Disposes RunScheduler scheduler) {
        scheduler.close();
    }

    void start(
            @Observes StartupEvent ev,
            RunScheduler scheduler,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            TopicsConfig topics,
            @ConfigProperty(name = "clipstream.trainer.mode") String mode) {
        if (!"service".equals(mode) && !"once".equals(mode)) {
            throw new IllegalArgumentException("clipstream.trainer.mode must be service or once, not " + mode);
        }
        if (topics.create()) {
            Map<TopicSpec, String> names = new LinkedHashMap<>();
            names.put(TopicSpecs.TRAINING_RUNS, topics.trainingRuns());
            names.put(TopicSpecs.MODEL_VERSIONS, topics.modelVersions());
            TopicCreator.createMissing(
                    KafkaClientSettings.forAdmin(kafka),
                    names,
                    null,
                    topics.replicationFactor(),
                    n -> LOG.infof("created topic %s", n));
        }
        if (!"once".equals(mode)) {
            scheduler.start();
            return;
        }
        Thread once = new Thread(
                () -> {
                    int code;
                    try {
                        Optional<TrainingRun.State> end = scheduler.runOnce(Duration.ofMinutes(10));
                        LOG.infof("run once: %s", end.map(State::name).orElse("nothing to train"));
                        code = end.orElse(State.PROMOTED) == State.FAILED ? 1 : 0;
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        code = 1;
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "run once failed");
                        code = 1;
                    }
                    Quarkus.asyncExit(code);
                },
                "trainer-run-once");
        once.start();
    }
}
