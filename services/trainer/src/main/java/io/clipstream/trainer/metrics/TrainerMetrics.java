package io.clipstream.trainer.metrics;

import io.clipstream.trainer.ledger.CuratedRecordCheck.Reason;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The trainer's meters (Prometheus names in brackets):
 * <ul>
 *   <li>{@code clipstream.trainer.runs{outcome}} [clipstream_trainer_runs_total] runs by outcome (promoted, rejected,
 * failed)</li>
 *   <li>{@code clipstream.trainer.run.duration{phase}} [..._run_duration_seconds] wall time per phase (materialise,
 *       train, evaluate, publish) and total</li>
 *   <li>{@code clipstream.trainer.train.samples.per.second} [..._train_samples_per_second] of the run in progress or
 * the last</li>
 *   <li>{@code clipstream.trainer.train.loss} [..._train_loss] running loss of the run in progress or the last</li>
 *   <li>{@code clipstream.trainer.eval{domain,metric}} [..._eval] the champion's metrics on each domain's anchors</li>
 *   <li>{@code clipstream.trainer.gate.decisions{outcome}} [..._gate_decisions_total] blessed / not blessed</li>
 *   <li>{@code clipstream.trainer.seconds.since.promotion} [..._seconds_since_promotion] (since start when none
 * yet)</li>
 *   <li>{@code clipstream.trainer.pairs.waiting{domain}} [..._pairs_waiting] pairs no finished run has taken</li>
 *   <li>{@code clipstream.trainer.pairs.skipped{reason}} [..._pairs_skipped_total] pairs a run could not
 * materialise</li>
 *   <li>{@code clipstream.trainer.curated.refused{reason}} [..._curated_refused_total] pairs.curated records the feed
 *       skipped ({@link Reason}: MALFORMED, FIELD_MISSING, DOMAIN_INVALID, SHA256_INVALID)</li>
 *   <li>{@code clipstream.trainer.feed.restarts} [..._feed_restarts_total] times the feed failed and read on with a new
 * consumer</li>
 *   <li>{@code clipstream.trainer.champion.version} [..._champion_version] the version announced as champion last (0:
 * the base)</li>
 *   <li>{@code clipstream.trainer.run.active} [..._run_active] 1 while a run is in progress; {@code
 * ...run.device{device}} which device the last run used</li>
 * </ul>
 */
public final class TrainerMetrics {
    private final MeterRegistry registry;
    private final Clock clock;
    private final Instant started;
    private final Supplier<Map<String, Integer>> waiting;
    private final Set<String> waitingDomains = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Instant> lastPromotion = new AtomicReference<>();
    private final Map<String, AtomicReference<Double>> gauges = new ConcurrentHashMap<>();

    public TrainerMetrics(MeterRegistry registry, Clock clock, Supplier<Map<String, Integer>> waiting) {
        this.registry = registry;
        this.clock = clock;
        this.started = clock.instant();
        this.waiting = waiting;
        Gauge.builder("clipstream.trainer.seconds.since.promotion", this, TrainerMetrics::secondsSincePromotion)
                .register(registry);
        active(false);
        set("clipstream.trainer.champion.version", Tags.empty(), 0);
        refreshWaiting();
        // at zero before the first event: a dashboard shows 0, not "no data"
        for (String reason : io.clipstream.contracts.SkipReason.ALL) {
            registry.counter("clipstream.trainer.pairs.skipped", "reason", reason);
        }
        for (Reason reason : Reason.values()) {
            registry.counter("clipstream.trainer.curated.refused", "reason", reason.name());
        }
        registry.counter("clipstream.trainer.feed.restarts");
        registry.counter("clipstream.trainer.run.lock-held");
        for (String outcome : java.util.List.of("promoted", "rejected", "failed")) {
            registry.counter("clipstream.trainer.runs", "outcome", outcome);
        }
        for (String outcome : java.util.List.of("blessed", "not_blessed")) {
            registry.counter("clipstream.trainer.gate.decisions", "outcome", outcome);
        }
    }

    /** Registers a gauge per domain that has ever had pairs waiting (called on every trigger check). */
    public void refreshWaiting() {
        for (String d : waiting.get().keySet()) {
            if (waitingDomains.add(d)) {
                Gauge.builder(
                                "clipstream.trainer.pairs.waiting",
                                () -> waiting.get().getOrDefault(d, 0))
                        .tags("domain", d)
                        .register(registry);
            }
        }
    }

    private double secondsSincePromotion() {
        Instant last = lastPromotion.get();
        return Duration.between(last == null ? started : last, clock.instant()).toMillis() / 1000.0;
    }

    /** Sets the gauge {@code name} with {@code tags}, registering it the first time. */
    private void set(String name, Tags tags, double value) {
        gauges.computeIfAbsent(name + tags, k -> {
                    AtomicReference<Double> v = new AtomicReference<>(0.0);
                    Gauge.builder(name, v, AtomicReference::get).tags(tags).register(registry);
                    return v;
                })
                .set(value);
    }

    public void promotedAt(Instant at) {
        lastPromotion.set(at);
    }

    public void runOutcome(String outcome) {
        registry.counter("clipstream.trainer.runs", "outcome", outcome).increment();
    }

    public void gateDecision(boolean blessed) {
        registry.counter("clipstream.trainer.gate.decisions", "outcome", blessed ? "blessed" : "not_blessed")
                .increment();
    }

    public void phase(String phase, double seconds) {
        registry.timer("clipstream.trainer.run.duration", "phase", phase)
                .record(Duration.ofNanos((long) (seconds * 1e9)));
    }

    /**
     * @param lossScale    the dynamic loss scale of an fp16-mixed run (1 in fp32)
     * @param skippedSteps the run's steps so far skipped for a non-finite loss or gradient
     */
    public void progress(double samplesPerSec, double currentLoss, double lossScale, int skippedSteps) {
        set("clipstream.trainer.train.samples.per.second", Tags.empty(), samplesPerSec);
        if (Double.isFinite(currentLoss)) {
            set("clipstream.trainer.train.loss", Tags.empty(), currentLoss);
        }
        set("clipstream.trainer.train.loss.scale", Tags.empty(), lossScale);
        set("clipstream.trainer.train.skipped.steps", Tags.empty(), skippedSteps);
    }

    public void active(boolean on) {
        set("clipstream.trainer.run.active", Tags.empty(), on ? 1 : 0);
    }

    /** 1 for the device of the last run, 0 for the others seen before. */
    public void device(String device) {
        gauges.forEach((k, v) -> {
            if (k.startsWith("clipstream.trainer.run.device")) {
                v.set(0.0);
            }
        });
        set("clipstream.trainer.run.device", Tags.of("device", device), 1);
    }

    public void champion(Map<String, Map<String, Double>> metrics) {
        metrics.forEach((domain, m) -> m.forEach(
                (metric, v) -> set("clipstream.trainer.eval", Tags.of("domain", domain, "metric", metric), v)));
    }

    /** The champion announced last (a promotion, a rollback, or the one found at start-up) and its metrics. */
    public void champion(int version, Map<String, Map<String, Double>> metrics) {
        set("clipstream.trainer.champion.version", Tags.empty(), version);
        champion(metrics);
    }

    public void skipped(String reason) {
        registry.counter("clipstream.trainer.pairs.skipped", "reason", reason).increment();
    }

    public void refused(Reason reason) {
        registry.counter("clipstream.trainer.curated.refused", "reason", reason.name())
                .increment();
    }

    /** A run did not start: another run's lease on the run lock was valid. */
    /** Pairs of {@code domain} in the quarantine (0 once they leave it). */
    public void quarantined(String domain, int pairs) {
        set("clipstream.trainer.quarantined.pairs", Tags.of("domain", domain), pairs);
    }

    public void lockHeld() {
        registry.counter("clipstream.trainer.run.lock-held").increment();
    }

    public void feedRestarted() {
        registry.counter("clipstream.trainer.feed.restarts").increment();
    }
}
