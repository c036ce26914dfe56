package io.clipstream.continual.gate;

import java.util.List;

/**
 * Evaluation-gate thresholds, in points (percentage points, 1.0 = 0.01 of a metric in [0,1]).
 *
 * @param maxDropPoints     an earlier domain or the base domain may drop by at most this much vs the baseline
 * @param newDomainTolerancePoints a domain with new data may be at most this much worse than the baseline on it
 *                          (0 = must not get worse)
 * @param minNewDomainValue value threshold on each domain with new data (fraction), with or without baseline; 0
 * disables
 * @param metrics           the metrics checked, each on every domain that has it (e.g. {@code zero_shot},
 *                          {@code r1_mean}; names from {@link io.clipstream.continual.train.Evaluator})
 * @param maxRelativeDrop   an earlier domain or the base domain may also lose at most this share of its baseline
 *                          value (TFX's relative change threshold; 0.25 = a quarter); 0 disables. Catches drops that
 *                          are small in points on a metric that is small itself (an R@1 of 0.10 falling to 0.04)
 * @param minNewDomainGainPoints with a baseline, every domain with new data must gain at least this much on one of
 *                          the metrics it has (an increment that learnt nothing of its own data only risks
 *                          forgetting); 0 disables
 * @param minGainStandardErrors the required gain is also at least this many standard errors of the difference between
 *                          two proportions measured on the domain's samples, sqrt((b(1-b) + c(1-c)) / n) (conservative:
 *                          the two are measured on the same samples), so that a gain within the noise of n anchors
 *                          is not taken for learning; needs {@code samples} beside the metrics; 0 disables
 * @param pairedZ           McNemar's test on the zero-shot hits of the same anchors, where both models' hits are known
 *                          ({@link Discordance}): a new domain's gain counts only if its z is at least this, and a
 *                          guarded domain's drop beyond {@code maxDropPoints} (a new domain's beyond
 *                          {@code newDomainTolerancePoints}) rejects only if its z is at most minus this (a drop
 *                          within the paired noise of the anchors is not taken for forgetting); replaces
 *                          {@code minGainStandardErrors} where it applies; 0 disables (1.64: one-sided 5 %)
 * @param maxTotalDropPoints a guarded domain may drop by at most this much below its reference, the best value any
 *                          promoted version had on it (the base model's for the base domain), so that drops within
 *                          {@code maxDropPoints} cannot add up version after version; with {@code pairedZ}, a drop
 *                          beyond it rejects only if significant against the reference's hits; 0 disables
 */
public record GateConfig(
        double maxDropPoints,
        double newDomainTolerancePoints,
        double minNewDomainValue,
        List<String> metrics,
        double maxRelativeDrop,
        double minNewDomainGainPoints,
        double minGainStandardErrors,
        double pairedZ,
        double maxTotalDropPoints) {
    public GateConfig {
        metrics = List.copyOf(metrics);
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("the gate needs at least one metric");
        }
        if (maxRelativeDrop < 0 || maxRelativeDrop > 1) {
            throw new IllegalArgumentException("maxRelativeDrop in [0,1]");
        }
        if (minGainStandardErrors < 0) {
            throw new IllegalArgumentException("minGainStandardErrors >= 0");
        }
        if (pairedZ < 0 || maxTotalDropPoints < 0) {
            throw new IllegalArgumentException("pairedZ and maxTotalDropPoints >= 0");
        }
    }

    /** Without the paired test and the bound against the reference. */
    public GateConfig(
            double maxDropPoints,
            double newDomainTolerancePoints,
            double minNewDomainValue,
            List<String> metrics,
            double maxRelativeDrop,
            double minNewDomainGainPoints,
            double minGainStandardErrors) {
        this(
                maxDropPoints,
                newDomainTolerancePoints,
                minNewDomainValue,
                metrics,
                maxRelativeDrop,
                minNewDomainGainPoints,
                minGainStandardErrors,
                0,
                0);
    }

    /** Without the noise bound on the gain. */
    public GateConfig(
            double maxDropPoints,
            double newDomainTolerancePoints,
            double minNewDomainValue,
            List<String> metrics,
            double maxRelativeDrop,
            double minNewDomainGainPoints) {
        this(
                maxDropPoints,
                newDomainTolerancePoints,
                minNewDomainValue,
                metrics,
                maxRelativeDrop,
                minNewDomainGainPoints,
                0);
    }

    /** Absolute thresholds only (no relative drop bound, no required gain). */
    public GateConfig(
            double maxDropPoints, double newDomainTolerancePoints, double minNewDomainValue, List<String> metrics) {
        this(maxDropPoints, newDomainTolerancePoints, minNewDomainValue, metrics, 0, 0);
    }

    /** Zero-shot accuracy, 1 point of forgetting allowed, the new domain must not get worse; no paired test. */
    public static GateConfig defaults() {
        return new GateConfig(1.0, 0.0, 0.0, List.of("zero_shot"));
    }

    /**
     * The benchmark's gate: zero-shot accuracy; a new domain must gain significantly on its anchors (McNemar,
     * one-sided 5 %); a guarded domain may drop 1 point against the champion and 2 against its reference, beyond
     * which a drop that is significant on the same anchors rejects.
     */
    public static GateConfig paired() {
        return new GateConfig(1.0, 0.0, 0.0, List.of("zero_shot"), 0, 0, 0, 1.64, 2.0);
    }

    /** Whether the gate wants zero-shot hits for a paired test. */
    public boolean wantsHits() {
        return pairedZ > 0 && metrics.contains(io.clipstream.continual.train.Evaluator.ZERO_SHOT);
    }
}
