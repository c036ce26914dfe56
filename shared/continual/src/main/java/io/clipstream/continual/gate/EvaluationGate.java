package io.clipstream.continual.gate;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TFX-Evaluator-"blessing"-like gate. A candidate is promoted only if
 * <ol>
 * <li>its accuracy on the new domain is at least {@code minNewDomainAccuracy} (value threshold), and</li>
 * <li>with a baseline (the latest promoted model): the new domain does not get worse than the baseline on it
 * (beyond {@code newDomainTolerancePoints}), and no earlier domain nor the base domain drops by more than
 * {@code maxDropPoints}.</li>
 * </ol>
 * With no baseline, the change thresholds are skipped (as in TFX).
 */
public final class EvaluationGate {
    private final GateConfig config;

    public EvaluationGate(GateConfig config) {
        this.config = config;
    }

    public GateConfig config() {
        return config;
    }

    /**
     * @param candidate   per-domain accuracy (fraction) of the candidate
     * @param baseline    per-domain accuracy of the baseline, or null if there is none
     * @param newDomain   the domain the candidate was trained on
     * @param earlier     domains learned before (guarded against forgetting)
     * @param baseDomain  the base/general anchor domain (always guarded)
     */
    public GateDecision evaluate(Map<String, Double> candidate, Map<String, Double> baseline, String newDomain,
                                 List<String> earlier, String baseDomain) {
        List<String> reasons = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        Double cNew = candidate.get(newDomain);
        if (cNew == null) {
            reasons.add("no metric for new domain " + newDomain);
            return new GateDecision(false, reasons, checks);
        }
        if (config.minNewDomainAccuracy() > 0) {
            boolean ok = cNew >= config.minNewDomainAccuracy();
            checks.add(String.format("%s: %.1f >= min %.1f : %s", newDomain, 100 * cNew, 100 * config.minNewDomainAccuracy(), ok));
            if (!ok) reasons.add(String.format("new domain %s accuracy %.1f below minimum %.1f", newDomain, 100 * cNew, 100 * config.minNewDomainAccuracy()));
        }
        if (baseline == null) {
            checks.add("no baseline: change thresholds skipped");
            return new GateDecision(reasons.isEmpty(), reasons, checks);
        }
        Double bNew = baseline.get(newDomain);
        if (bNew != null) {
            double delta = 100 * (cNew - bNew);
            boolean ok = delta >= -config.newDomainTolerancePoints() - 1e-9;
            checks.add(String.format("new %s: %.1f vs baseline %.1f (%+.1f) : %s", newDomain, 100 * cNew, 100 * bNew, delta, ok));
            if (!ok) reasons.add(String.format("new domain %s got worse: %.1f -> %.1f", newDomain, 100 * bNew, 100 * cNew));
        }
        Set<String> guarded = new LinkedHashSet<>();
        if (baseDomain != null) guarded.add(baseDomain);
        guarded.addAll(earlier);
        guarded.remove(newDomain);
        for (String d : guarded) {
            Double b = baseline.get(d);
            Double c = candidate.get(d);
            if (b == null) continue;
            if (c == null) {
                reasons.add("no metric for guarded domain " + d);
                continue;
            }
            double drop = 100 * (b - c);
            boolean ok = drop <= config.maxDropPoints() + 1e-9;
            checks.add(String.format("%s: %.1f vs baseline %.1f (%+.1f, bound -%.1f) : %s", d, 100 * c, 100 * b, -drop, config.maxDropPoints(), ok));
            if (!ok) reasons.add(String.format("domain %s dropped %.1f points (%.1f -> %.1f), bound %.1f", d, drop, 100 * b, 100 * c, config.maxDropPoints()));
        }
        return new GateDecision(reasons.isEmpty(), reasons, checks);
    }
}
