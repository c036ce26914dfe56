package io.clipstream.local;

import io.clipstream.contracts.TrainingRun;
import io.clipstream.datasets.FashionMnist;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The loop demo's closing table: per stage, the run, the per-domain metrics, the gate, the version, the re-index. */
final class LoopTable {
    private LoopTable() {}

    /**
     * @param base the base model's metrics on the anchors of the domains it was measured on (the first version's
     *             baseline), shown as version 0; empty when no version was promoted
     */
    static String format(
            List<DomainLoop.StageResult> stages,
            Map<String, Map<String, Double>> base,
            DomainLoop.QueryView before,
            String query) {
        Set<String> domains = new LinkedHashSet<>(base.keySet());
        for (DomainLoop.StageResult s : stages) {
            domains.add(s.domain());
            if (s.run() != null) {
                domains.addAll(new TreeMap<>(s.run().metrics()).keySet());
            }
        }
        domains.removeIf(d -> stages.stream()
                        .noneMatch(s -> s.run() != null && s.run().metrics().containsKey(d))
                && !base.containsKey(d));
        StringBuilder b = new StringBuilder();
        b.append("| stage | pairs in -> curated | run | trained on |");
        for (String d : domains) {
            b.append(' ').append(d).append(" zero-shot |");
        }
        b.append(" gate | version | re-index | last pair -> version / serving | P@10 \"")
                .append(query)
                .append("\" |\n|---|---:|---|---|");
        b.append("---:|".repeat(domains.size())).append("---|---|---:|---:|---:|\n");
        b.append("| base | | | |");
        for (String d : domains) {
            b.append(' ').append(cell(base.get(d))).append(" |");
        }
        b.append(" | v0 | | | ")
                .append(before == null || before.version() != 0 ? "" : pct(before.precision()))
                .append(" |\n");
        List<String> notes = new ArrayList<>();
        for (DomainLoop.StageResult s : stages) {
            TrainingRun r = s.run();
            b.append("| ")
                    .append(s.domain())
                    .append(" | ")
                    .append(String.format(Locale.ROOT, "%,d -> %,d", s.pushed(), s.curated()))
                    .append(" | ");
            if (r == null) {
                b.append("none |  |");
                for (int i = 0; i < domains.size(); i++) {
                    b.append(" |");
                }
                b.append(" | | | | ").append(pct(s.query().precision())).append(" |\n");
                continue;
            }
            b.append(r.trigger().name().toLowerCase(Locale.ROOT))
                    .append(
                            r.timings() == null
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            ", %.0f s (%.0f %% outside training)",
                                            r.timings().totalSeconds(),
                                            100
                                                    * (1
                                                            - r.timings().trainSeconds()
                                                                    / Math.max(
                                                                            1e-9,
                                                                            r.timings()
                                                                                    .totalSeconds()))))
                    .append(" | ")
                    .append(pairs(r.pairsPerDomain()))
                    .append(" |");
            for (String d : domains) {
                b.append(' ').append(cell(r.metrics().get(d))).append(" |");
            }
            boolean partly =
                    r.state() == TrainingRun.State.PROMOTED && !r.reasons().isEmpty();
            String gate = switch (r.state()) {
                case PROMOTED -> partly ? "promoted, in part (" + (notes.size() + 1) + ")" : "promoted";
                case REJECTED -> "rejected (" + (notes.size() + 1) + ")";
                default -> r.state().name().toLowerCase(Locale.ROOT);
            };
            if (r.state() == TrainingRun.State.REJECTED || partly) {
                notes.add("(" + (notes.size() + 1) + ") " + s.domain() + ": " + String.join("; ", r.reasons()));
            }
            if (r.state() == TrainingRun.State.FAILED) {
                notes.add(s.domain() + " failed: " + r.error());
            }
            b.append(' ')
                    .append(gate)
                    .append(" | v")
                    .append(s.query().version())
                    .append(r.version() == null ? " (kept)" : "")
                    .append(" | ")
                    .append(reindex(s.swap()))
                    .append(" | ")
                    .append(
                            s.secondsToVersion() == null
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            "%.0f s / %s",
                                            s.secondsToVersion(),
                                            s.secondsToServing() == null
                                                    ? "-"
                                                    : String.format(Locale.ROOT, "%.0f s", s.secondsToServing())))
                    .append(" | ")
                    .append(pct(s.query().precision()))
                    .append(" |\n");
        }
        for (String n : notes) {
            b.append('\n').append(n);
        }
        return b.toString();
    }

    /** How long the re-index took and, where counted, how many pairs a model pass computed (the rest were carried). */
    static String reindex(io.clipstream.contracts.IndexEvent swap) {
        if (swap == null) {
            return "";
        }
        String took = String.format(Locale.ROOT, "%.1f s", swap.durationSeconds());
        return swap.reembedded() == null
                ? took
                : took + String.format(Locale.ROOT, ", %,d of %,d re-embedded", swap.reembedded(), swap.indexed());
    }

    /**
     * Zero-shot accuracy in percent on the domain's anchors. (R@1 against captions that repeat one of a few templates
     * per
     * class says nothing: the search quality table judges retrieval by class instead.)
     */
    static String cell(Map<String, Double> m) {
        if (m == null) {
            return "";
        }
        Double zs = m.get("zero_shot");
        return zs == null ? "-" : pct(zs);
    }

    /**
     * Per stage, the version serving after it and the class-judged P@10 of each domain (searched within it) and of the
     * whole index; the base model's (v0) first, measured before the first run ended.
     */
    static String searchQuality(List<DomainLoop.StageResult> stages, DomainLoop.QueryView before) {
        Set<String> scopes = new LinkedHashSet<>();
        for (DomainLoop.StageResult s : stages) {
            scopes.addAll(s.query().classPrecision().keySet());
        }
        scopes.remove(DomainLoop.ALL);
        scopes.add(DomainLoop.ALL);
        StringBuilder b = new StringBuilder("| after | version |");
        for (String d : scopes) {
            b.append(' ').append(d).append(" |");
        }
        b.append(" its domain: champion -> after its run |");
        b.append("\n|---|---:|").append("---:|".repeat(scopes.size())).append("---:|\n");
        if (before != null) {
            row(b, "(before the first run)", before, scopes, "");
        }
        for (DomainLoop.StageResult s : stages) {
            row(b, s.domain(), s.query(), scopes, ownDomain(s));
        }
        return b.toString();
    }

    /**
     * The stage's domain searched with the champion once its pairs are indexed, then after its run: what the run did.
     */
    private static String ownDomain(DomainLoop.StageResult s) {
        Double before = s.before() == null ? null : s.before().classPrecision().get(s.domain());
        Double after = s.query().classPrecision().get(s.domain());
        if (before == null || after == null || s.run() == null) { // no run: its pairs wait for a later stage's
            return "";
        }
        return String.format(
                Locale.ROOT,
                "%s (v%d) -> %s (v%d)",
                pct(before),
                s.before().version(),
                pct(after),
                s.query().version());
    }

    private static void row(StringBuilder b, String label, DomainLoop.QueryView q, Set<String> scopes, String own) {
        b.append("| ").append(label).append(" | v").append(q.version()).append(" |");
        for (String d : scopes) {
            Double p = q.classPrecision().get(d);
            b.append(' ').append(p == null ? "" : pct(p)).append(" |");
        }
        b.append(' ').append(own).append(" |\n");
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.1f", 100 * v);
    }

    private static String pairs(Map<String, Integer> perDomain) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(perDomain)
                .forEach((d, n) ->
                        b.append(b.isEmpty() ? "" : ", ").append(d).append(' ').append(n));
        return b.toString();
    }

    /**
     * A hit as "domain:class", the class being the one Fashion-MNIST class its caption names ("?" when none or
     * several).
     */
    static String hitLabel(String domain, String caption) {
        String c = className(caption);
        return domain + ":" + (c == null ? "?" : c);
    }

    /** The share of hits (as "domain:class") whose class is the one the query names; NaN when the query names none. */
    static double precision(String query, List<String> hits) {
        String wanted = className(query);
        if (wanted == null || hits.isEmpty()) {
            return Double.NaN;
        }
        return hits.stream().filter(h -> h.endsWith(":" + wanted)).count() / (double) hits.size();
    }

    /**
     * The one Fashion-MNIST class named as whole words ("t-shirt" names t-shirt, not shirt); null when none or several.
     */
    static String className(String text) {
        String t = " " + text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}-]+", " ") + " ";
        String found = null;
        for (String c : FashionMnist.CLASS_NAMES) {
            if (t.contains(" " + c + " ")) {
                if (found != null) {
                    return null;
                }
                found = c;
            }
        }
        return found;
    }
}
