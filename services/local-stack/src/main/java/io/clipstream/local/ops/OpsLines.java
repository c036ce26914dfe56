package io.clipstream.local.ops;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.TrainingRun;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** One readable line per operations event: what a person following the loop in a terminal wants to see. */
public final class OpsLines {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private OpsLines() {}

    public static String run(TrainingRun r) {
        StringBuilder b = new StringBuilder()
                .append(time(r.at()))
                .append("  run     ")
                .append(r.model())
                .append(' ')
                .append(r.runId())
                .append(' ')
                .append(r.state());
        switch (r.state()) {
            case STARTED ->
                b.append(" (")
                        .append(r.trigger().name().toLowerCase(Locale.ROOT))
                        .append(", attempt ")
                        .append(r.attempt())
                        .append(", ")
                        .append(r.pairsPerDomain().isEmpty() ? "" : pairs(r.pairsPerDomain()) + ", ")
                        .append(device(r.device()))
                        .append(')');
            case PROGRESS -> {
                TrainingRun.Progress p = r.progress();
                b.append(String.format(
                        Locale.ROOT,
                        " step %d/%d loss %.3f %,.0f samples/s eta %.0f s",
                        p.step(),
                        p.totalSteps(),
                        p.loss(),
                        p.samplesPerSecond(),
                        p.etaSeconds()));
            }
            case EVALUATING -> {
                var domains = r.metrics().isEmpty()
                        ? r.pairsPerDomain().keySet()
                        : r.metrics().keySet();
                if (!domains.isEmpty()) {
                    b.append(" on the anchors of ").append(String.join(", ", new java.util.TreeSet<>(domains)));
                }
            }
            case PROMOTED -> b.append(" -> v").append(r.version()).append(' ').append(metrics(r.metrics()));
            case REJECTED ->
                b.append(' ').append(metrics(r.metrics())).append(" because ").append(String.join("; ", r.reasons()));
            case FAILED -> b.append(": ").append(firstLine(r.error()));
            default -> {}
        }
        if (r.state().terminal() && r.timings() != null) {
            TrainingRun.Timings t = r.timings();
            b.append(String.format(
                    Locale.ROOT,
                    " (%.1f s: materialise %.1f, train %.1f, evaluate %.1f, publish %.1f)",
                    t.totalSeconds(),
                    t.materialiseSeconds(),
                    t.trainSeconds(),
                    t.evaluateSeconds(),
                    t.publishSeconds()));
        }
        if (!r.skipped().isEmpty()) {
            b.append(" (").append(r.skipped().size()).append(" pairs skipped)");
        }
        return b.toString();
    }

    public static String version(ModelVersion v) {
        StringBuilder b = new StringBuilder()
                .append(time(v.announcedAt()))
                .append("  version ")
                .append(v.model())
                .append(" v")
                .append(v.version())
                .append(' ')
                .append(v.announcement());
        if (v.alias() != null) {
            b.append(" -> ").append(v.alias());
        }
        b.append(v.parentVersion() == null ? " (first)" : " (parent v" + v.parentVersion() + ")");
        if (v.dataWindow() != null && !v.dataWindow().pairsPerDomain().isEmpty()) {
            b.append(' ').append(pairs(v.dataWindow().pairsPerDomain()));
        }
        b.append(' ').append(metrics(v.metrics()));
        if (v.gate() != null && !"candidate".equals(v.gate().chosen())) {
            b.append(" gate chose ").append(v.gate().chosen());
        }
        return b.toString();
    }

    public static String index(IndexEvent e) {
        StringBuilder b = new StringBuilder()
                .append(time(e.at()))
                .append("  index   ")
                .append(e.model())
                .append(" v")
                .append(e.version())
                .append(' ')
                .append(e.state());
        switch (e.state()) {
            case REINDEX_STARTED ->
                b.append(" (")
                        .append(e.reason())
                        .append(", ")
                        .append(e.backend())
                        .append(')');
            case PROGRESS ->
                b.append(String.format(
                        Locale.ROOT,
                        " %,d%s pairs, %,.0f pairs/s%s",
                        e.indexed(),
                        e.total() == null ? "" : String.format(Locale.ROOT, "/%,d", e.total()),
                        e.pairsPerSecond(),
                        e.etaSeconds() == null ? "" : String.format(Locale.ROOT, ", eta %.0f s", e.etaSeconds())));
            case SWAPPED ->
                b.append(String.format(
                        Locale.ROOT,
                        " %,d pairs%s in %.1f s, serving now",
                        e.indexed(),
                        e.carried() == null
                                ? ""
                                : String.format(
                                        Locale.ROOT, " (%,d re-embedded, %,d carried)", e.reembedded(), e.carried()),
                        e.durationSeconds()));
            case FAILED ->
                b.append(": ")
                        .append(firstLine(e.error()))
                        .append(e.liveVersion() == null ? "" : " (v" + e.liveVersion() + " keeps serving)");
            default -> {}
        }
        return b.toString();
    }

    public static String rejected(PairRejected r) {
        return time(r.rejectedAt()) + "  reject  " + r.source() + "/" + r.pairId() + " "
                + r.reasons().stream().map(Enum::name).collect(Collectors.joining(","))
                + (r.detail() == null ? "" : ": " + firstLine(r.detail()));
    }

    private static String metrics(Map<String, Map<String, Double>> m) {
        return new java.util.TreeMap<>(m)
                .entrySet().stream()
                        .map(d -> d.getKey() + " "
                                + new java.util.TreeMap<>(d.getValue())
                                        .entrySet().stream()
                                                .filter(e -> e.getKey().equals("r1_mean")
                                                        || e.getKey().equals("zero_shot"))
                                                .map(e -> e.getKey() + "="
                                                        + String.format(Locale.ROOT, "%.3f", e.getValue()))
                                                .collect(Collectors.joining(" ")))
                        .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String pairs(Map<String, Integer> perDomain) {
        return new java.util.TreeMap<>(perDomain)
                .entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ", "pairs ", ""));
    }

    private static String device(String d) {
        return d == null ? "device ?" : d;
    }

    private static String time(Instant at) {
        return at == null ? "--:--:--" : TIME.format(at);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
