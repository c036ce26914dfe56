package io.clipstream.curator.metrics;

import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.inspect.DeadLetters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The curator's meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code clipstream.curator.pairs.in} [clipstream_curator_pairs_in_total] records read from pairs.raw</li>
 *   <li>{@code clipstream.curator.pairs.curated} [..._pairs_curated_total] records written to pairs.curated</li>
 *   <li>{@code clipstream.curator.pairs.rejected} [..._pairs_rejected_total] records written to pairs.rejected</li>
 *   <li>{@code clipstream.curator.rejections{reason}} [..._rejections_total] one per reason code of a
 *       rejection (a pair rejected for two reasons counts under both)</li>
 *   <li>{@code clipstream.curator.latency} [..._latency_seconds] submittedAt -> curated</li>
 *   <li>{@code clipstream.curator.store.put{kind=image|text}} [..._store_put_seconds] object-store write time</li>
 *   <li>{@code clipstream.curator.pairs.deadlettered{stage}} [..._pairs_deadlettered_total] records
 *       sent to pairs.deadletter (an alert fires on any)</li>
 *   <li>{@code clipstream.curator.storage.up} [..._storage_up] 1 while the storage probe succeeds</li>
 *   <li>{@code clipstream.curator.consumption.paused} [..._consumption_paused] 1 while consumption is
 *       paused for a storage outage; {@code ...pauses} [..._consumption_pauses_total] how often</li>
 *   <li>{@code clipstream.curator.stream.thread.replacements} [..._stream_thread_replacements_total]
 *       stream threads that failed and were replaced (each one costs a rebalance and, under
 *       exactly-once, a rebuild of its stores)</li>
 *   <li>{@code clipstream.curator.state.restored.records} [..._state_restored_records_total] records
 *       read from changelogs to rebuild state stores</li>
 * </ul>
 * Counters count processing, so a batch replayed after a crash is counted again; the topics hold
 * the exact numbers.
 */
@ApplicationScoped
public class CuratorMetrics {
    private final Counter pairsIn;
    private final Counter curated;
    private final Counter rejected;
    private final Map<ReasonCode, Counter> byReason = new EnumMap<>(ReasonCode.class);
    private final Timer latency;
    private final Timer putImage;
    private final Timer putText;
    private final MeterRegistry registry;
    private final Counter pauses;
    private final Counter threadReplacements;
    private final Counter storeStageRestarts;
    private final Counter restoredRecords;
    private final AtomicInteger paused = new AtomicInteger();

    public CuratorMetrics(MeterRegistry registry) {
        this.registry = registry;
        pairsIn = Counter.builder("clipstream.curator.pairs.in")
                .description("records read from pairs.raw")
                .register(registry);
        curated = Counter.builder("clipstream.curator.pairs.curated")
                .description("pairs curated")
                .register(registry);
        rejected = Counter.builder("clipstream.curator.pairs.rejected")
                .description("pairs rejected")
                .register(registry);
        for (ReasonCode code : ReasonCode.values()) {
            if (code.stage() == ReasonCode.Stage.CURATOR) {
                byReason.put(
                        code,
                        Counter.builder("clipstream.curator.rejections")
                                .tag("reason", code.name())
                                .description("rejections by reason code")
                                .register(registry));
            }
        }
        latency = Timer.builder("clipstream.curator.latency")
                .description("submittedAt to curated")
                .publishPercentileHistogram()
                .register(registry);
        putImage = Timer.builder("clipstream.curator.store.put")
                .tag("kind", "image")
                .description("object-store write time")
                .publishPercentileHistogram()
                .register(registry);
        putText = Timer.builder("clipstream.curator.store.put")
                .tag("kind", "text")
                .description("object-store write time")
                .publishPercentileHistogram()
                .register(registry);
        pauses = Counter.builder("clipstream.curator.consumption.pauses")
                .description("times consumption was paused for a storage outage")
                .register(registry);
        Gauge.builder("clipstream.curator.consumption.paused", paused, Number::doubleValue)
                .description("1 while consumption is paused for a storage outage")
                .register(registry);
        threadReplacements = Counter.builder("clipstream.curator.stream.thread.replacements")
                .description("stream threads that failed and were replaced")
                .register(registry);
        storeStageRestarts = Counter.builder("clipstream.curator.store.stage.restarts")
                .description("store-stage failures (its batch is stored again)")
                .register(registry);
        restoredRecords = Counter.builder("clipstream.curator.state.restored.records")
                .description("changelog records read to rebuild state stores")
                .register(registry);
        for (String stage : List.of(DeadLetters.INSPECT, DeadLetters.STORE)) {
            deadLetteredCounter(stage);
        }
    }

    private Counter deadLetteredCounter(String stage) {
        return Counter.builder("clipstream.curator.pairs.deadlettered")
                .tag("stage", stage)
                .description("records sent to pairs.deadletter")
                .register(registry);
    }

    public void deadLettered(PairDeadLettered deadLetter) {
        deadLetteredCounter(deadLetter.stage()).increment();
    }

    /** A gauge of the storage probe: 1 up, 0 down. */
    public void storageHealth(BooleanSupplier up) {
        Gauge.builder("clipstream.curator.storage.up", () -> up.getAsBoolean() ? 1 : 0)
                .description("1 while the object-storage probe succeeds")
                .register(registry);
    }

    public void paused(boolean nowPaused) {
        if (nowPaused) {
            pauses.increment();
        }
        paused.set(nowPaused ? 1 : 0);
    }

    public void threadReplaced() {
        threadReplacements.increment();
    }

    public void storeStageRestarted() {
        storeStageRestarts.increment();
    }

    public void restored(long records) {
        restoredRecords.increment(records);
    }

    public void pairIn() {
        pairsIn.increment();
    }

    public void curated(Instant submittedAt, Instant curatedAt) {
        curated.increment();
        if (submittedAt != null && !curatedAt.isBefore(submittedAt)) {
            latency.record(Duration.between(submittedAt, curatedAt));
        }
    }

    public void rejected(PairRejected rejection) {
        rejected.increment();
        rejection.reasons().forEach(r -> {
            Counter c = byReason.get(r);
            if (c != null) {
                c.increment();
            }
        });
    }

    public <T> T timeImagePut(Supplier<T> put) {
        return putImage.record(put);
    }

    public <T> T timeTextPut(Supplier<T> put) {
        return putText.record(put);
    }
}
