package io.clipstream.local.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.IndexEvent;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.contracts.Topics;
import io.clipstream.contracts.TrainingRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OpsLinesTest {
    private static final Instant T = Instant.parse("2026-12-02T09:00:00Z");
    private static final Map<String, Map<String, Double>> METRICS =
            Map.of("fashion", Map.of("r1_mean", 0.39, "i2t_r1", 0.4, "zero_shot", 0.7));

    private static TrainingRun run(
            TrainingRun.State s, TrainingRun.Progress p, Integer version, List<String> reasons, String error) {
        return new TrainingRun(
                1,
                "run-1",
                "tiny",
                s,
                TrainingRun.Trigger.COUNT,
                1,
                "cpu",
                p,
                s.terminal() ? METRICS : Map.of(),
                reasons,
                List.of(),
                version,
                Map.of("fashion", 300),
                null,
                error,
                T);
    }

    @Test
    void trainingRunsReadAsWhatHappened() {
        assertThat(OpsLines.run(run(TrainingRun.State.STARTED, null, null, null, null)))
                .contains("run-1 STARTED (count, attempt 1, pairs fashion=300, cpu)");
        assertThat(OpsLines.run(run(
                        TrainingRun.State.PROGRESS,
                        new TrainingRun.Progress(120, 400, 2.31, 1850, 15),
                        null,
                        null,
                        null)))
                .contains("PROGRESS step 120/400 loss 2.310 1,850 samples/s eta 15 s");
        assertThat(OpsLines.run(run(TrainingRun.State.PROMOTED, null, 4, null, null)))
                .contains("PROMOTED -> v4 [fashion r1_mean=0.390 zero_shot=0.700]")
                .doesNotContain("i2t_r1");
        assertThat(OpsLines.run(run(
                        TrainingRun.State.REJECTED,
                        null,
                        null,
                        List.of("domain plain r1_mean dropped 9.1 points"),
                        null)))
                .endsWith("because domain plain r1_mean dropped 9.1 points");
        assertThat(OpsLines.run(run(
                        TrainingRun.State.FAILED,
                        null,
                        null,
                        null,
                        "java.io.IOException: no base\n\tat x.y(Z.java:1)")))
                .endsWith("FAILED: java.io.IOException: no base");
    }

    @Test
    void versionsIndexEventsAndRejectionsReadAsWhatHappened() {
        ModelVersion rollback = new ModelVersion(
                1,
                "tiny",
                2,
                1,
                ModelVersion.Announcement.ROLLBACK,
                3,
                ModelVersion.CHAMPION,
                "models/tiny/base/",
                null,
                "s3://clipstream/models/tiny/versions/2/",
                "a".repeat(64),
                new ModelVersion.DataWindow(Topics.PAIRS_CURATED, Map.of(), Map.of("fashion", 300)),
                METRICS,
                new ModelVersion.Gate(true, "wise-0.5", List.of(), List.of()),
                "run-1",
                "cpu",
                T,
                T);
        assertThat(OpsLines.version(rollback))
                .contains("tiny v2 ROLLBACK -> champion (parent v1) pairs fashion=300")
                .endsWith("gate chose wise-0.5");
        IndexEvent progress = new IndexEvent(
                1,
                "tiny",
                "b",
                IndexEvent.State.PROGRESS,
                3,
                2,
                "lucene",
                41_200,
                100_000L,
                812.5,
                72.4,
                50.7,
                "champion",
                null,
                T);
        assertThat(OpsLines.index(progress)).contains("tiny v3 PROGRESS 41,200/100,000 pairs, 813 pairs/s, eta 72 s");
        IndexEvent failed = new IndexEvent(
                1,
                "tiny",
                "b",
                IndexEvent.State.FAILED,
                3,
                2,
                "lucene",
                0,
                null,
                0,
                null,
                1,
                "champion",
                "java.io.IOException: no version 3",
                T);
        assertThat(OpsLines.index(failed)).endsWith("FAILED: java.io.IOException: no version 3 (v2 keeps serving)");
        IndexEvent swapped = new IndexEvent(
                1,
                "tiny",
                "b",
                IndexEvent.State.SWAPPED,
                4,
                3,
                "lucene",
                5_000,
                1_000L,
                4_000L,
                5_000L,
                900,
                null,
                5.6,
                "champion",
                null,
                T);
        assertThat(OpsLines.index(swapped))
                .contains("tiny v4 SWAPPED 5,000 pairs (1,000 re-embedded, 4,000 carried) in 5.6 s");
        PairRejected r = new PairRejected(
                1,
                "p-1",
                "shop",
                "fashion",
                List.of(ReasonCode.IMAGE_TOO_SMALL),
                "1x1 is below 28 px",
                "pairs.raw",
                0,
                7,
                T);
        assertThat(OpsLines.rejected(r)).endsWith("reject  shop/p-1 IMAGE_TOO_SMALL: 1x1 is below 28 px");
    }

    @Test
    void aRecordThatDoesNotParseIsShownNotDropped() {
        assertThat(FollowOps.line(Topics.INDEX_EVENTS, "{not json".getBytes(StandardCharsets.UTF_8)))
                .contains("does not parse");
        assertThat(FollowOps.line(Topics.MODEL_VERSIONS, null)).contains("tombstone");
        IndexEvent e = new IndexEvent(
                1, "tiny", "b", IndexEvent.State.SWAPPED, 1, 1, "lucene", 41, 41L, 30, null, 1.4, "champion", null, T);
        assertThat(FollowOps.line(Topics.INDEX_EVENTS, Json.write(e)))
                .contains("tiny v1 SWAPPED 41 pairs in 1.4 s, serving now");
    }
}
