package io.clipstream.curator;

import io.clipstream.contracts.DomainsSettings;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.curator.config.CuratorConfig;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.faults.StorageHealth;
import io.clipstream.curator.inspect.PairInspector;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.curator.store.CuratedObjectWriter;
import io.clipstream.curator.store.InstanceId;
import io.clipstream.curator.store.S3ImageSource;
import io.clipstream.curator.store.StoreStage;
import io.clipstream.curator.store.StoreStep;
import io.clipstream.imaging.DecodeLimits;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageSettings;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Wires the plain classes into CDI. */
public class CuratorBeans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    ObjectStore objectStore(StorageSettings s) {
        return ObjectStore.connect(s.toConfig());
    }

    void closeObjectStore(@Disposes ObjectStore store) {
        store.close();
    }

    /** A client of its own for the probe: short timeout, one attempt, so it answers within seconds. */
    @Produces
    @Singleton
    StorageHealth storageHealth(StorageSettings s, CuratorConfig config, CuratorMetrics metrics) {
        CuratorConfig.StorageFaults f = config.storageFaults();
        ObjectStore probe = ObjectStore.connect(s.toConfig().withRetries(f.probeTimeout(), 1));
        StorageHealth health = new StorageHealth(probe::bucketExists, probe, f.probeInterval());
        metrics.storageHealth(health::up);
        health.start();
        return health;
    }

    void closeStorageHealth(@Disposes StorageHealth health) {
        health.close();
    }

    @Produces
    @Singleton
    InPlaceRetry inPlaceRetry(StorageHealth health, CuratorConfig config) {
        CuratorConfig.StorageFaults f = config.storageFaults();
        return new InPlaceRetry(health, f.maxAttempts(), f.retryBackoff(), f.maxOutageWait());
    }

    @Produces
    @Singleton
    PairInspector pairInspector(CuratorConfig config, DomainsSettings domains, ObjectStore store, Clock clock) {
        return new PairInspector(
                config.qualityProfiles(),
                domains.toCatalogue(),
                new S3ImageSource(store),
                new DecodeLimits(config.decode().timeBudget(), config.decode().maxJpegScans()),
                config.maxIdChars(),
                clock);
    }

    @Produces
    @Singleton
    StoreStep storeStep(
            ObjectStore store, CuratorMetrics metrics, InPlaceRetry retry, Clock clock, CuratorConfig config) {
        return new StoreStep(
                new CuratedObjectWriter(store, metrics, config.store().textObjects()), retry, clock);
    }

    /** Started by {@code streams.CuratorLifecycle} once its topic exists. */
    @Produces
    @Singleton
    StoreStage storeStage(
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            TopicsConfig topics,
            CuratorConfig config,
            StoreStep step,
            CuratorMetrics metrics,
            Clock clock,
            @ConfigProperty(name = "quarkus.kafka-streams.application-id") String applicationId,
            @ConfigProperty(name = "kafka-streams.state.dir") Path stateDir,
            @ConfigProperty(name = "kafka-streams.consumer.max.poll.interval.ms") long maxPollIntervalMs) {
        String instance = InstanceId.load(stateDir.resolve(applicationId + "-store-stage.id"));
        return new StoreStage(
                KafkaClientSettings.forConsumer(kafka),
                KafkaClientSettings.forProducer(kafka),
                applicationId + "-store",
                applicationId + "-store-" + instance,
                Duration.ofMillis(maxPollIntervalMs),
                config.store().maxBatch(),
                config.store().writesInFlight(),
                new StoreStage.Topics(topics.accepted(), topics.curated(), topics.deadletter()),
                step,
                metrics,
                clock,
                config.failureBackoff());
    }

    void closeStoreStage(@Disposes StoreStage stage) {
        stage.close();
    }
}
