package io.clipstream.continual.gate;

import io.clipstream.continual.train.Evaluator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * TFX-Evaluator-"blessing"-like gate over per-domain metrics (domain -> metric -> value). For each configured
 * metric, a candidate is promoted only if
 * <ol>
 * <li>on every domain with new data it reaches {@code minNewDomainValue} (value threshold), and</li>
 * <li>with a baseline (the latest promoted model, evaluated on the same sets): no domain with new data gets worse
 * than the baseline (beyond {@code newDomainTolerancePoints}), and no earlier domain nor the base domain drops by
 * more than {@code maxDropPoints}; every domain with new data except the base domain gains at least
 * {@code minNewDomainGainPoints} on one metric (and more than the noise bound, {@code minGainStandardErrors}).</li>
 * </ol>
 * A metric a domain does not have (zero-shot accuracy without class names) is not checked on it; a new domain
 * with none of the metrics is rejected. With no baseline, the change thresholds are skipped (as in TFX).
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
     * What a paired gate knows besides the metrics: the discordant zero-shot pairs of the candidate against the
     * baseline on the same anchors, each guarded domain's reference value (the best a promoted version had), and the
     * discordant pairs against the version that had it. Any part may be empty.
     */
    public record Evidence(
            Map<String, Discordance> vsBaseline,
            Map<String, Map<String, Double>> reference,
            Map<String, Discordance> vsReference) {
        public static final Evidence NONE = new Evidence(Map.of(), Map.of(), Map.of());
    }

    /** One new domain; see {@link #evaluate(Map, Map, Collection, Collection, String)}. */
    public GateDecision evaluate(
            Map<String, Map<String, Double>> candidate,
            Map<String, Map<String, Double>> baseline,
            String newDomain,
            Collection<String> earlier,
            String baseDomain) {
        return evaluate(candidate, baseline, List.of(newDomain), earlier, baseDomain);
    }

    /**
     * @param candidate   per-domain metrics of the candidate
     * @param baseline    per-domain metrics of the baseline on the same sets, or null if there is none
     * @param newDomains  the domains the candidate was trained on
     * @param earlier     domains learned before (guarded against forgetting)
     * @param baseDomain  the base/general anchor domain (always guarded), or null
     */
    public GateDecision evaluate(
            Map<String, Map<String, Double>> candidate,
            Map<String, Map<String, Double>> baseline,
            Collection<String> newDomains,
            Collection<String> earlier,
            String baseDomain) {
        return evaluate(candidate, baseline, newDomains, earlier, baseDomain, Evidence.NONE);
    }

    /** With a paired test and the bound against each domain's reference, where {@code evidence} has them. */
    public GateDecision evaluate(
            Map<String, Map<String, Double>> candidate,
            Map<String, Map<String, Double>> baseline,
            Collection<String> newDomains,
            Collection<String> earlier,
            String baseDomain,
            Evidence evidence) {
        List<String> reasons = new ArrayList<>();
        List<String> checks = new ArrayList<>();
        for (String nd : newDomains) {
            Map<String, Double> c = candidate.getOrDefault(nd, Map.of());
            if (config.metrics().stream().noneMatch(c::containsKey)) {
                reasons.add("no metric for new domain " + nd);
                continue;
            }
            for (String metric : config.metrics()) {
                Double v = c.get(metric);
                if (v == null || config.minNewDomainValue() <= 0) {
                    continue;
                }
                boolean ok = v >= config.minNewDomainValue();
                checks.add(String.format(
                        "%s %s: %.1f >= min %.1f : %s", nd, metric, 100 * v, 100 * config.minNewDomainValue(), ok));
                if (!ok) {
                    reasons.add(String.format(
                            "new domain %s %s %.1f below minimum %.1f",
                            nd, metric, 100 * v, 100 * config.minNewDomainValue()));
                }
            }
        }
        if (baseline == null) {
            checks.add("no baseline: change thresholds skipped");
            return new GateDecision(reasons.isEmpty(), reasons, checks);
        }
        for (String nd : newDomains) {
            // the metric that shows the gain best: one that passes, else the largest gain
            boolean gained = false;
            double bestGain = Double.NEGATIVE_INFINITY;
            String bestCheck = null;
            Double n = value(candidate, nd, Evaluator.SAMPLES);
            boolean pairedAny = false;
            for (String metric : config.metrics()) {
                Double b = value(baseline, nd, metric);
                Double c = value(candidate, nd, metric);
                if (b == null || c == null) {
                    continue;
                }
                double delta = 100 * (c - b);
                Discordance dc = paired(metric, nd, evidence.vsBaseline());
                // with the paired test, getting worse beyond the tolerance rejects only if it is significant
                boolean ok = withinBound(-delta, config.newDomainTolerancePoints(), dc);
                checks.add(String.format(
                        "new %s %s: %.1f vs baseline %.1f (%+.1f%s) : %s",
                        nd,
                        metric,
                        100 * c,
                        100 * b,
                        delta,
                        dc == null ? "" : String.format(", McNemar z %.2f", dc.z()),
                        ok));
                if (!ok) {
                    reasons.add(String.format(
                            "new domain %s got worse on %s: %.1f -> %.1f%s",
                            nd,
                            metric,
                            100 * b,
                            100 * c,
                            dc == null ? "" : String.format(" (significant: z %.2f)", dc.z())));
                }
                boolean pass;
                String check;
                if (dc != null) {
                    pairedAny = true;
                    double required = config.minNewDomainGainPoints();
                    pass = delta > 0 && delta >= required - 1e-9 && dc.z() >= config.pairedZ() - 1e-9;
                    check = String.format(
                            "%+.1f points at best on %s, McNemar z %.2f, %.2f required (%d anchors right only now, %d "
                                    + "only before)",
                            delta, metric, dc.z(), config.pairedZ(), dc.candidateOnly(), dc.baselineOnly());
                } else {
                    double required = required(b, c, n);
                    pass = delta - required >= -1e-9;
                    String noise = required > config.minNewDomainGainPoints() + 1e-9
                            ? String.format(
                                    " (%.1f standard errors on %.0f samples)", config.minGainStandardErrors(), n)
                            : "";
                    check = String.format("%+.1f points at best, %.1f required%s", delta, required, noise);
                }
                if (pass && !gained || !gained && delta > bestGain) {
                    gained = pass;
                    bestGain = delta;
                    bestCheck = check;
                }
            }
            // the base domain is never new: more of it refreshes what the model knew and must not get worse, but it
            // need not gain
            boolean mustGain = !nd.equals(baseDomain)
                    && (config.minNewDomainGainPoints() > 0 || config.minGainStandardErrors() > 0 || pairedAny);
            if (mustGain && bestCheck != null) {
                checks.add(String.format("new %s gained %s : %s", nd, bestCheck, gained));
                if (!gained) {
                    reasons.add(String.format("new domain %s gained %s: nothing of it was learnt", nd, bestCheck));
                }
            }
        }
        Set<String> guarded = new LinkedHashSet<>();
        if (baseDomain != null) {
            guarded.add(baseDomain);
        }
        guarded.addAll(earlier);
        guarded.removeAll(newDomains);
        for (String d : guarded) {
            for (String metric : config.metrics()) {
                Double b = value(baseline, d, metric);
                if (b == null) {
                    continue;
                }
                Double c = value(candidate, d, metric);
                if (c == null) {
                    reasons.add("no " + metric + " for guarded domain " + d);
                    continue;
                }
                double drop = 100 * (b - c);
                Discordance dc = paired(metric, d, evidence.vsBaseline());
                boolean ok = withinBound(drop, config.maxDropPoints(), dc);
                String z = dc == null ? "" : String.format(", McNemar z %.2f", dc.z());
                checks.add(String.format(
                        "%s %s: %.1f vs baseline %.1f (%+.1f, bound -%.1f%s) : %s",
                        d, metric, 100 * c, 100 * b, -drop, config.maxDropPoints(), z, ok));
                if (!ok) {
                    reasons.add(String.format(
                            "domain %s dropped %.1f points on %s (%.1f -> %.1f), bound %.1f%s",
                            d,
                            drop,
                            metric,
                            100 * b,
                            100 * c,
                            config.maxDropPoints(),
                            dc == null ? "" : String.format(" (significant: z %.2f)", dc.z())));
                }
                Double ref = value(evidence.reference(), d, metric);
                if (config.maxTotalDropPoints() > 0 && ref != null) {
                    double total = 100 * (ref - c);
                    Discordance dr = paired(metric, d, evidence.vsReference());
                    boolean refOk = withinBound(total, config.maxTotalDropPoints(), dr);
                    checks.add(String.format(
                            "%s %s: %.1f vs reference %.1f (%+.1f, bound -%.1f%s) : %s",
                            d,
                            metric,
                            100 * c,
                            100 * ref,
                            -total,
                            config.maxTotalDropPoints(),
                            dr == null ? "" : String.format(", McNemar z %.2f", dr.z()),
                            refOk));
                    if (!refOk) {
                        reasons.add(String.format(
                                "domain %s is %.1f points below its best (%.1f -> %.1f on %s), bound %.1f",
                                d, total, 100 * ref, 100 * c, metric, config.maxTotalDropPoints()));
                    }
                }
                if (config.maxRelativeDrop() > 0 && b > 0) {
                    double share = (b - c) / b;
                    boolean relOk = share <= config.maxRelativeDrop() + 1e-9;
                    checks.add(String.format(
                            "%s %s: lost %.0f%% of baseline (bound %.0f%%) : %s",
                            d, metric, 100 * share, 100 * config.maxRelativeDrop(), relOk));
                    if (!relOk) {
                        reasons.add(String.format(
                                "domain %s lost %.0f%% of its %s (%.1f -> %.1f), bound %.0f%%",
                                d, 100 * share, metric, 100 * b, 100 * c, 100 * config.maxRelativeDrop()));
                    }
                }
            }
        }
        return new GateDecision(reasons.isEmpty(), reasons, checks);
    }

    /**
     * The gain a metric must show, in points: the configured minimum, or the noise bound on {@code n} samples if
     * larger.
     */
    private double required(double b, double c, Double n) {
        double points = config.minNewDomainGainPoints();
        if (config.minGainStandardErrors() <= 0 || n == null || n < 1) {
            return points;
        }
        double se = Math.sqrt((clamp(b) * (1 - clamp(b)) + clamp(c) * (1 - clamp(c))) / n);
        return Math.max(points, 100 * config.minGainStandardErrors() * se);
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    /** A drop within the bound, or beyond it but not significant on the paired anchors (where they are known). */
    private boolean withinBound(double dropPoints, double boundPoints, Discordance paired) {
        return dropPoints <= boundPoints + 1e-9 || paired != null && paired.z() > -config.pairedZ();
    }

    /** The discordance of a domain where the paired test applies to the metric (zero-shot accuracy), else null. */
    private Discordance paired(String metric, String domain, Map<String, Discordance> discordance) {
        if (config.pairedZ() <= 0 || !Evaluator.ZERO_SHOT.equals(metric)) {
            return null;
        }
        return discordance.get(domain);
    }

    private static Double value(Map<String, Map<String, Double>> m, String domain, String metric) {
        Map<String, Double> d = m.get(domain);
        return d == null ? null : d.get(metric);
    }

    /** Mean of the gated metrics over every domain that has them: how WiSE-FT mixes are ranked. */
    public double score(Map<String, Map<String, Double>> metrics, Collection<String> domains) {
        double s = 0;
        int n = 0;
        for (String d : domains) {
            for (String metric : config.metrics()) {
                Double v = value(metrics, d, metric);
                if (v != null) {
                    s += v;
                    n++;
                }
            }
        }
        return n == 0 ? 0 : s / n;
    }
}
