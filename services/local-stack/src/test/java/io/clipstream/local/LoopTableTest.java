package io.clipstream.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.TrainingRun;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LoopTableTest {
    @Test
    void aCaptionNamesAClassOnlyAsWholeWords() {
        assertThat(LoopTable.className("a negative picture of a t-shirt.")).isEqualTo("t-shirt");
        assertThat(LoopTable.className("the shirt in a sketch picture.")).isEqualTo("shirt");
        assertThat(LoopTable.className("an ankle boot, rotated.")).isEqualTo("ankle boot");
        assertThat(LoopTable.className("a bag next to a coat"))
                .as("two classes: ambiguous")
                .isNull();
        assertThat(LoopTable.className("a photo of a cat")).isNull();
    }

    @Test
    void precisionIsTheShareOfHitsOfTheQueriedClass() {
        List<String> hits = List.of("original:sneaker", "sketch:sandal", "sketch:sneaker", "rotated:?");
        assertThat(LoopTable.precision("a picture of a sneaker.", hits)).isEqualTo(0.5);
        assertThat(LoopTable.precision("something else", hits)).isNaN();
        assertThat(LoopTable.hitLabel("sketch", "a sketch photo of my sandal.")).isEqualTo("sketch:sandal");
    }

    @Test
    void theTableHasARowPerStageWithMetricsGateVersionReindexAndTheRejectionsReasons() {
        Instant t = Instant.parse("2026-12-01T12:00:00Z");
        TrainingRun promoted = run(
                "r1",
                TrainingRun.State.PROMOTED,
                1,
                Map.of("original", Map.of("zero_shot", 0.72, "r1_mean", 0.04), "inverted", Map.of("zero_shot", 0.41)),
                List.of(),
                t);
        TrainingRun rejected = run(
                "r2",
                TrainingRun.State.REJECTED,
                null,
                Map.of(
                        "original",
                        Map.of("zero_shot", 0.30),
                        "inverted",
                        Map.of("zero_shot", 0.40),
                        "rotated",
                        Map.of("zero_shot", 0.5)),
                List.of("domain original dropped 42.0 points"),
                t);
        IndexEvent swap = new IndexEvent(
                IndexEvent.SCHEMA_VERSION,
                "tiny",
                "b1",
                IndexEvent.State.SWAPPED,
                1,
                1,
                "lucene",
                2000,
                1012L,
                988L,
                2000L,
                400,
                null,
                5.4,
                "champion",
                null,
                t);
        List<DomainLoop.StageResult> stages = List.of(
                new DomainLoop.StageResult(
                        "inverted",
                        1000,
                        998,
                        2,
                        promoted,
                        false,
                        swap,
                        new DomainLoop.QueryView(0, List.of(), 0.5, ordered("inverted", 0.31, DomainLoop.ALL, 0.45)),
                        new DomainLoop.QueryView(
                                1, List.of("inverted:sneaker"), 1.0, ordered("inverted", 0.62, DomainLoop.ALL, 0.55)),
                        21.4,
                        27.9),
                new DomainLoop.StageResult(
                        "rotated",
                        1000,
                        1000,
                        0,
                        rejected,
                        true,
                        null,
                        null,
                        new DomainLoop.QueryView(
                                1,
                                List.of("rotated:bag"),
                                0.0,
                                ordered("inverted", 0.61, "rotated", 0.2, DomainLoop.ALL, 0.5)),
                        null,
                        null));
        DomainLoop.QueryView before = new DomainLoop.QueryView(0, List.of(), 0.9, ordered(DomainLoop.ALL, 0.4));
        String table = LoopTable.format(stages, Map.of("original", Map.of("zero_shot", 0.70)), before, "a sneaker");
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).contains("| original zero-shot | inverted zero-shot | rotated zero-shot |");
        assertThat(lines.get(2))
                .startsWith("| base |")
                .contains(" 70.0 |")
                .contains("| v0 |")
                .endsWith("90.0 |");
        assertThat(lines.get(3))
                .startsWith("| inverted | 1,000 -> 998 | count, 3 s (33 % outside training) |")
                .contains(" 72.0 | 41.0 |")
                .contains("| promoted | v1 | 5.4 s, 1,012 of 2,000 re-embedded | 21 s / 28 s | 100.0 |");
        assertThat(lines.get(4))
                .contains("count, 3 s (33 % outside training)")
                .contains(" 30.0 |")
                .contains("rejected (1) | v1 (kept) |  |  | 0.0 |");
        assertThat(table).contains("(1) rotated: domain original dropped 42.0 points");

        // search quality: a column per domain in the order they arrived, the whole index last; blank before a domain
        // arrived
        List<String> quality = LoopTable.searchQuality(stages, before).lines().toList();
        assertThat(quality.get(0))
                .isEqualTo("| after | version | inverted | rotated | all | its domain: champion -> after its run |");
        assertThat(quality.get(2)).isEqualTo("| (before the first run) | v0 |  |  | 40.0 |  |");
        assertThat(quality.get(3)).isEqualTo("| inverted | v1 | 62.0 |  | 55.0 | 31.0 (v0) -> 62.0 (v1) |");
        assertThat(quality.get(4)).isEqualTo("| rotated | v1 | 61.0 | 20.0 | 50.0 |  |");
    }

    @Test
    void aRunThatPromotesSomeExpertsAndRejectsADomainSaysWhyAndAStageWithoutARunSaysNone() {
        Instant t = Instant.parse("2026-12-01T12:00:00Z");
        TrainingRun partly = run(
                "r3",
                TrainingRun.State.PROMOTED,
                2,
                Map.of("inverted", Map.of("zero_shot", 0.41), "shuffled", Map.of("zero_shot", 0.10)),
                List.of("shuffled rejected: new domain shuffled gained +0.0 points at best"),
                t);
        DomainLoop.QueryView view = new DomainLoop.QueryView(
                1, List.of(), 0.5, ordered("inverted", 0.4, "shuffled", 0.3, DomainLoop.ALL, 0.5));
        List<DomainLoop.StageResult> stages = List.of(
                new DomainLoop.StageResult("inverted", 500, 500, 0, null, false, null, view, view, null, null),
                new DomainLoop.StageResult("shuffled", 500, 500, 0, partly, true, null, view, view, null, null));
        String table = LoopTable.format(stages, Map.of(), null, "a sneaker");
        List<String> lines = table.lines().toList();
        assertThat(lines.get(3)).startsWith("| inverted | 500 -> 500 | none |");
        assertThat(lines.get(4)).contains("| promoted, in part (1) | v1 |");
        assertThat(table).contains("(1) shuffled: shuffled rejected: new domain shuffled gained +0.0 points at best");
        List<String> quality = LoopTable.searchQuality(stages, null).lines().toList();
        assertThat(quality.get(2))
                .as("no run, no change to show")
                .isEqualTo("| inverted | v1 | 40.0 | 30.0 | 50.0 |  |");
        assertThat(quality.get(3)).endsWith("| 30.0 (v1) -> 30.0 (v1) |");
    }

    private static TrainingRun run(
            String id,
            TrainingRun.State state,
            Integer version,
            Map<String, Map<String, Double>> metrics,
            List<String> reasons,
            Instant t) {
        return new TrainingRun(
                TrainingRun.SCHEMA_VERSION,
                id,
                "tiny",
                state,
                TrainingRun.Trigger.COUNT,
                1,
                "cpu",
                null,
                metrics,
                reasons,
                List.of(),
                version,
                Map.of("inverted", 900),
                new TrainingRun.Timings(0.5, 2, 0.3, 0.2),
                null,
                t);
    }

    /**
     * Precision by scope, in the order given (as the demo measures them: domains as they arrived, then the whole
     * index).
     */
    private static Map<String, Double> ordered(Object... keysAndValues) {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            out.put((String) keysAndValues[i], (Double) keysAndValues[i + 1]);
        }
        return out;
    }
}
