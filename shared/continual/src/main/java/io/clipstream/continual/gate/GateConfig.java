package io.clipstream.continual.gate;

import java.util.List;

/**
 * Evaluation-gate thresholds, in points (percentage points, 1.0 = 0.01 of a metric in [0,1]).
 *
 * @param maxDropPoints     an earlier domain or the base domain may drop by at most this much vs the baseline
 * @param newDomainTolerancePoints a domain with new data may be at most this much worse than the baseline on it
 *                          (0 = must not get worse)
 * @param minNewDomainValue value threshold on each domain with new data (fraction), with or without baseline; 0 disables
 * @param metrics           the metrics checked, each on every domain that has it (e.g. {@code zero_shot},
 *                          {@code r1_mean}; names from {@link io.clipstream.continual.train.Evaluator})
 */
public record GateConfig(double maxDropPoints, double newDomainTolerancePoints, double minNewDomainValue, List<String> metrics) {
    public GateConfig {
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty()) throw new IllegalArgumentException("the gate needs at least one metric");
    }

    /** The benchmark's gate: zero-shot accuracy, 1 point of forgetting allowed, the new domain must not get worse. */
    public static GateConfig defaults() {
        return new GateConfig(1.0, 0.0, 0.0, List.of("zero_shot"));
    }
}
