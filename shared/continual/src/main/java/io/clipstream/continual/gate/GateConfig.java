package io.clipstream.continual.gate;

/**
 * Evaluation-gate thresholds, in accuracy points (percentage points, 1.0 = 0.01 accuracy).
 *
 * @param maxDropPoints     an earlier domain or the base domain may drop by at most this much vs the baseline
 * @param newDomainTolerancePoints the new domain may be at most this much worse than the baseline on it (0 = must not get worse)
 * @param minNewDomainAccuracy value threshold on the new domain (fraction), applied with or without baseline; 0 disables
 */
public record GateConfig(double maxDropPoints, double newDomainTolerancePoints, double minNewDomainAccuracy) {
    public static GateConfig defaults() {
        return new GateConfig(1.0, 0.0, 0.0);
    }
}
