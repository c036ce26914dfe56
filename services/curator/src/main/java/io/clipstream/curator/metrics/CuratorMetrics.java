package io.clipstream.curator.metrics;

import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
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

    public CuratorMetrics(MeterRegistry registry) {
        pairsIn = Counter.builder("clipstream.curator.pairs.in").description("records read from pairs.raw").register(registry);
        curated = Counter.builder("clipstream.curator.pairs.curated").description("pairs curated").register(registry);
        rejected = Counter.builder("clipstream.curator.pairs.rejected").description("pairs rejected").register(registry);
        for (ReasonCode code : ReasonCode.values()) {
            if (code.stage() == ReasonCode.Stage.CURATOR) {
                byReason.put(code, Counter.builder("clipstream.curator.rejections").tag("reason", code.name())
                        .description("rejections by reason code").register(registry));
            }
        }
        latency = Timer.builder("clipstream.curator.latency").description("submittedAt to curated")
                .publishPercentileHistogram().register(registry);
        putImage = Timer.builder("clipstream.curator.store.put").tag("kind", "image")
                .description("object-store write time").publishPercentileHistogram().register(registry);
        putText = Timer.builder("clipstream.curator.store.put").tag("kind", "text")
                .description("object-store write time").publishPercentileHistogram().register(registry);
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
