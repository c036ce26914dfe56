package io.clipstream.curator.streams;

import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.Principal;
import io.clipstream.contracts.TopicCreator;
import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.contracts.TopicsConfig;
import io.clipstream.curator.config.CuratorConfig;
import io.clipstream.curator.faults.ShuttingDownException;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.curator.store.StoreStage;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageSettings;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Startup and failure handling around the Kafka Streams client Quarkus runs:
 * <ul>
 *   <li>before the streams start: the timeouts fit together, the bucket and the four topics exist
 *       (pairs.curated compacted, pairs.deadletter kept 30 days), and the accepted topic; then the
 *       store stage starts;</li>
 *   <li>records never fail the stream thread (the processors contain them; storage outages pause
 *       consumption, see {@code faults}); what still escapes (a broken state store) replaces the
 *       thread: the open transaction aborts and the records are processed again;</li>
 *   <li>stores rebuilt from their changelogs are counted and logged;</li>
 *   <li>state changes are logged ({@code curator streams state RUNNING} marks readiness in logs).</li>
 * </ul>
 */
@Singleton
public class CuratorLifecycle {
    private static final Logger LOG = Logger.getLogger(CuratorLifecycle.class);

    void onStart(
            @Observes @Priority(100) StartupEvent event,
            TopicsConfig topics,
            ObjectStore store,
            CuratorConfig config,
            StorageSettings storage,
            StoreStage stage,
            @ConfigProperty(name = "kafka-streams.producer.transaction.timeout.ms") long transactionTimeoutMs,
            @ConfigProperty(name = "kafka-streams.consumer.max.poll.interval.ms") long maxPollIntervalMs,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        checkTimeouts(config, storage, transactionTimeoutMs, maxPollIntervalMs);
        store.ensureBucket();
        if (topics.create()) {
            createTopics(topics, KafkaClientSettings.forAdmin(kafka));
        }
        TopicCreator.createMissing(
                KafkaClientSettings.forAdmin(kafka),
                Map.of(acceptedSpec(topics.accepted()), topics.accepted()),
                topics.partitions(),
                topics.replicationFactor(),
                n -> LOG.infof("created topic %s", n));
        stage.start();
    }

    /**
     * The topic from the topology to the store stage: the curator's own, like Kafka Streams'
     * internal topics, so not in the one list of shared/contracts; kept as long as pairs.raw.
     */
    static TopicSpec acceptedSpec(String name) {
        return new TopicSpec(
                name,
                "source/sha256 (of the image bytes)",
                Candidate.class,
                false,
                TopicSpecs.PAIRS_RAW.retention(),
                Optional.of(TopicSpecs.DEADLETTER_MAX_MESSAGE_BYTES),
                TopicSpecs.DATA_PARTITIONS,
                Set.of(Principal.CURATOR),
                Set.of(Principal.CURATOR));
    }

    /**
     * A record may hold its transaction open while it waits for storage: the whole wait, plus a slow
     * call on each side of it, must end before the broker aborts the transaction (which fences the
     * producer and, under exactly-once, wipes the task's stores) or the consumer is thrown out of
     * the group. Refuses to start otherwise.
     */
    static void checkTimeouts(
            CuratorConfig config, StorageSettings storage, long transactionTimeoutMs, long maxPollIntervalMs) {
        long slowestCallMs = storage.timeout().toMillis() * storage.maxAttempts() * 2;
        long worstHoldMs = config.storageFaults().maxOutageWait().toMillis() + 2 * slowestCallMs + 30_000;
        if (transactionTimeoutMs < worstHoldMs || maxPollIntervalMs < worstHoldMs) {
            throw new IllegalStateException("kafka-streams.producer.transaction.timeout.ms (" + transactionTimeoutMs
                    + ") and kafka-streams.consumer.max.poll.interval.ms (" + maxPollIntervalMs
                    + ") must both be at least "
                    + worstHoldMs
                    + " ms: clipstream.curator.storage-faults.max-outage-wait plus twice the slowest storage"
                    + " call (clipstream.storage.timeout x max-attempts x 2) plus 30 s; lower the waits or "
                    + "raise the timeouts");
        }
    }

    static void createTopics(TopicsConfig t, Map<String, Object> adminConfig) {
        // configured names, settings from the one list in shared/contracts
        Map<TopicSpec, String> names = new LinkedHashMap<>();
        names.put(TopicSpecs.PAIRS_RAW, t.raw());
        names.put(TopicSpecs.PAIRS_CURATED, t.curated());
        names.put(TopicSpecs.PAIRS_REJECTED, t.rejected());
        names.put(TopicSpecs.PAIRS_DEADLETTER, t.deadletter());
        TopicCreator.createMissing(
                adminConfig, names, t.partitions(), t.replicationFactor(), n -> LOG.infof("created topic %s", n));
    }

    /**
     * Only for what the processors do not contain: a broken state store, a bug in the topology, the
     * curator shutting down while a record waits for storage. Records never get here.
     */
    @Produces
    @Singleton
    StreamsUncaughtExceptionHandler uncaughtExceptionHandler(CuratorConfig config, CuratorMetrics metrics) {
        long backoffMs = config.failureBackoff().toMillis();
        return e -> {
            if (rootCause(e) instanceof ShuttingDownException) {
                LOG.info("stream thread stopped while waiting for object storage; its records are retried after the "
                        + "restart");
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            metrics.threadReplaced();
            LOG.errorf(
                    e,
                    "stream thread failed; replacing it in %d ms (its transaction aborts and its records are retried)",
                    backoffMs);
            try {
                Thread.sleep(backoffMs); // no hot loop while object storage is down
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** Counts and logs every store rebuilt from its changelog (a wiped store shows up here). */
    @Produces
    @Singleton
    StateRestoreListener restoreListener(CuratorMetrics metrics) {
        return new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
                LOG.infof("restoring store %s from %s, offsets %d to %d", store, partition, startOffset, endOffset);
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEndOffset, long restored) {
                metrics.restored(restored);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
                LOG.infof("restored store %s from %s: %d records", store, partition, totalRestored);
            }
        };
    }

    @Produces
    @Singleton
    KafkaStreams.StateListener stateListener() {
        return (newState, oldState) -> LOG.infof("curator streams state %s (was %s)", newState, oldState);
    }
}
