package io.clipstream.refresh.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The service's Prometheus metrics (names {@code clipstream_refresh_*}). */
public final class RefreshMetrics {
    private final MeterRegistry registry;
    private final AtomicLong liveVersion = new AtomicLong(-1);
    private final AtomicLong livePairs = new AtomicLong();
    private final AtomicLong buildVersion = new AtomicLong(-1);
    private final AtomicLong buildPairs = new AtomicLong();
    private final AtomicReference<Double> buildProgress = new AtomicReference<>(Double.NaN);
    private final DistributionSummary freshness;

    public RefreshMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("clipstream_refresh_live_version", liveVersion);
        // at zero before the first event: a dashboard shows 0, not "no data"
        for (String reason : io.clipstream.contracts.SkipReason.ALL) {
            Counter.builder("clipstream_refresh_pairs_skipped_total")
                    .tag("reason", reason)
                    .register(registry);
        }
        Counter.builder("clipstream_refresh_records_malformed_total").register(registry);
        registry.gauge(
                "clipstream_refresh_index_pairs",
                java.util.List.of(io.micrometer.core.instrument.Tag.of("index", "live")),
                livePairs);
        registry.gauge(
                "clipstream_refresh_index_pairs",
                java.util.List.of(io.micrometer.core.instrument.Tag.of("index", "build")),
                buildPairs);
        registry.gauge("clipstream_refresh_build_version", buildVersion);
        registry.gauge("clipstream_refresh_build_progress", buildProgress, AtomicReference::get);
        freshness = DistributionSummary.builder("clipstream_refresh_freshness_seconds")
                .description("from a pair's submission at the gateway to its being searchable in the live index")
                .baseUnit("seconds")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(0.01)
                .maximumExpectedValue(600.0)
                .register(registry);
    }

    public void live(int version, long pairs) {
        liveVersion.set(version);
        livePairs.set(pairs);
    }

    public void build(int version, long pairs, double progress) {
        buildVersion.set(version);
        buildPairs.set(pairs);
        buildProgress.set(progress);
    }

    public void noBuild() {
        buildVersion.set(-1);
        buildPairs.set(0);
        buildProgress.set(Double.NaN);
    }

    public void indexed(String index, int n) {
        Counter.builder("clipstream_refresh_pairs_indexed_total")
                .tag("index", index)
                .register(registry)
                .increment(n);
    }

    public void skipped(String reason) {
        Counter.builder("clipstream_refresh_pairs_skipped_total")
                .tag("reason", reason)
                .register(registry)
                .increment();
    }

    public void malformed() {
        Counter.builder("clipstream_refresh_records_malformed_total")
                .register(registry)
                .increment();
    }

    public void reindex(String outcome) {
        Counter.builder("clipstream_refresh_reindex_total")
                .tag("outcome", outcome)
                .register(registry)
                .increment();
    }

    public void freshness(Duration d) {
        freshness.record(d.toMillis() / 1000.0);
    }

    public void query(String kind, String outcome, long nanos) {
        Timer.builder("clipstream_refresh_query_seconds")
                .tag("kind", kind)
                .tag("outcome", outcome)
                .publishPercentiles(0.5, 0.99)
                .register(registry)
                .record(Duration.ofNanos(nanos));
    }
}
