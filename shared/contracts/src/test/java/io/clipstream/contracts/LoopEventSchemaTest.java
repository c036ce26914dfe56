package io.clipstream.contracts;

import static io.clipstream.contracts.EventSchemaTest.schema;
import static io.clipstream.contracts.EventSchemaTest.validate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clipstream.contracts.ModelVersion.Announcement;
import io.clipstream.contracts.ModelVersion.DataWindow;
import io.clipstream.contracts.ModelVersion.Gate;
import io.clipstream.contracts.ModelVersion.OffsetRange;
import io.clipstream.contracts.TrainingRun.Progress;
import io.clipstream.contracts.TrainingRun.SkippedPair;
import io.clipstream.contracts.TrainingRun.State;
import io.clipstream.contracts.TrainingRun.Timings;
import io.clipstream.contracts.TrainingRun.Trigger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The training loop's events (training.runs, model.versions) against their JSON Schemas. */
class LoopEventSchemaTest {
    private static final String SHA = "ab" + "0".repeat(62);
    private static final ModelVersion.BasePin PIN =
            new ModelVersion.BasePin("cd" + "1".repeat(62), "ef" + "2".repeat(62));
    private static final Instant T = Instant.parse("2026-12-02T09:00:00Z");
    private static final Map<String, Map<String, Double>> METRICS = Map.of(
            "fashion", Map.of("i2t_r1", 0.4, "t2i_r1", 0.38, "zero_shot", 0.7),
            "sketch", Map.of("i2t_r1", 0.22, "t2i_r1", 0.2, "zero_shot", 0.51, "val_loss", 2.7));
    private static final Map<String, Integer> PAIRS = Map.of("fashion", 1200, "sketch", 300);
    private static final Timings TIMINGS = new Timings(4.2, 61.5, 9.8, 1.1);

    /** A realistic event of a run in {@code state}, with what the run knows by then. */
    static TrainingRun run(State state) {
        Progress progress = switch (state) {
            case STARTED, FAILED -> null;
            case PROGRESS -> new Progress(120, 400, 2.31, 1850.0, 15.1, "fp16-mixed", 32768.0, 2);
            default -> new Progress(400, 400, 1.12, 1903.5, 0.0);
        };
        Map<String, Map<String, Double>> metrics = switch (state) {
            case STARTED, PROGRESS, FAILED -> Map.of();
            default -> METRICS;
        };
        List<String> reasons = switch (state) {
            case PROMOTED ->
                List.of("candidate failed: fashion i2t_r1 dropped 1.8 points (bound 1.0)", "wise-0.5 blessed");
            case REJECTED -> List.of("fashion i2t_r1 dropped 2.3 points (bound 1.0)", "no WiSE-FT mix blessed");
            default -> List.of();
        };
        return new TrainingRun(
                TrainingRun.SCHEMA_VERSION,
                "run-20261202-0900-a1",
                "tiny",
                state,
                state == State.FAILED ? Trigger.RETRY : Trigger.COUNT,
                state == State.FAILED ? 2 : 1,
                "cuda:0",
                progress,
                metrics,
                reasons,
                List.of(
                        new SkippedPair(SHA, "p-17", "OBJECT_MISSING"),
                        new SkippedPair(SHA.replace('a', 'c'), null, "IMAGE_UNREADABLE")),
                state == State.PROMOTED ? 4 : null,
                PAIRS,
                state.terminal() ? TIMINGS : null,
                state == State.FAILED
                        ? "io.clipstream.storage.StorageUnavailableException: get pairs/images/... "
                                + "failed: connect timed out"
                        : null,
                T.plusSeconds(state.ordinal()));
    }

    /** {@code run} as JSON with one field removed. */
    static JsonNode without(TrainingRun run, String field) throws Exception {
        ObjectNode node = (ObjectNode) Json.mapper().readTree(Json.write(run));
        assertThat(node.has(field)).as(field + " is there to remove").isTrue();
        node.remove(field);
        return node;
    }

    static ModelVersion promoted() {
        return new ModelVersion(
                ModelVersion.SCHEMA_VERSION,
                "tiny",
                3,
                2,
                Announcement.PROMOTED,
                3,
                ModelVersion.CHAMPION,
                "models/tiny/base/",
                PIN,
                "s3://clipstream/models/tiny/versions/3/",
                SHA,
                new DataWindow(
                        Topics.PAIRS_CURATED,
                        Map.of(0, new OffsetRange(0, 812), 1, new OffsetRange(0, 790), 2, new OffsetRange(17, 17)),
                        PAIRS),
                METRICS,
                new Gate(
                        true,
                        "candidate",
                        List.of(),
                        List.of("sketch i2t_r1 0.22 >= champion 0.08", "fashion i2t_r1 -0.4 points (bound 1.0)")),
                "run-20261202-0900-a1",
                "cuda:0",
                T,
                T.plusSeconds(2));
    }

    /** {@link #promoted()} with another adapter location and checksum. */
    static ModelVersion withAdapter(String uri, String sha256) {
        ModelVersion v = promoted();
        return new ModelVersion(
                v.schemaVersion(),
                v.model(),
                v.version(),
                v.parentVersion(),
                v.announcement(),
                v.latestVersion(),
                v.alias(),
                v.baseRef(),
                v.basePin(),
                uri,
                sha256,
                v.dataWindow(),
                v.metrics(),
                v.gate(),
                v.runId(),
                v.device(),
                v.createdAt(),
                v.announcedAt());
    }

    // --- TrainingRun ---

    @ParameterizedTest
    @EnumSource(State.class)
    void trainingRunValidatesAndRoundTripsInEveryState(State state) throws Exception {
        TrainingRun run = run(state);
        assertThat(validate("TrainingRun", run)).isEmpty();
        assertThat(Json.read(Json.write(run), TrainingRun.class)).isEqualTo(run);
        var serde = EventSerdes.trainingRun();
        assertThat(serde.deserializer()
                        .deserialize(Topics.TRAINING_RUNS, serde.serializer().serialize(Topics.TRAINING_RUNS, run)))
                .isEqualTo(run);
    }

    @Test
    void aBareStartValidatesWithEmptyCollections() throws Exception {
        TrainingRun bare = new TrainingRun(
                TrainingRun.SCHEMA_VERSION,
                "r",
                "tiny",
                State.STARTED,
                Trigger.MANUAL,
                1,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                T);
        assertThat(bare.metrics()).isEmpty();
        assertThat(bare.reasons()).isEmpty();
        assertThat(bare.skipped()).isEmpty();
        assertThat(bare.pairsPerDomain()).isEmpty();
        assertThat(validate("TrainingRun", bare)).isEmpty();
        assertThat(Json.read(Json.write(bare), TrainingRun.class)).isEqualTo(bare);
    }

    @Test
    void stateRulesAreEnforced() throws Exception {
        assertThat(schema("TrainingRun").validate(without(run(State.PROGRESS), "progress")))
                .isNotEmpty();
        assertThat(schema("TrainingRun").validate(without(run(State.PROMOTED), "version")))
                .isNotEmpty();
        assertThat(schema("TrainingRun").validate(without(run(State.FAILED), "error")))
                .isNotEmpty();
        // the same fields are optional in the other states
        assertThat(schema("TrainingRun").validate(without(run(State.EVALUATING), "progress")))
                .isEmpty();
        assertThat(schema("TrainingRun").validate(without(run(State.REJECTED), "timings")))
                .isEmpty();
    }

    @Test
    void trainingRunRefusesBadNamesAndCounts() throws Exception {
        TrainingRun r = run(State.STARTED);
        for (String model : List.of("Tiny", "-tiny", "", "a/b", "m".repeat(65))) {
            TrainingRun bad = new TrainingRun(
                    r.schemaVersion(),
                    r.runId(),
                    model,
                    r.state(),
                    r.trigger(),
                    r.attempt(),
                    r.device(),
                    r.progress(),
                    r.metrics(),
                    r.reasons(),
                    r.skipped(),
                    r.version(),
                    r.pairsPerDomain(),
                    r.timings(),
                    r.error(),
                    r.at());
            assertThat(validate("TrainingRun", bad)).as(model).isNotEmpty();
        }
        TrainingRun noAttempt = new TrainingRun(
                r.schemaVersion(),
                r.runId(),
                r.model(),
                r.state(),
                r.trigger(),
                0,
                r.device(),
                r.progress(),
                r.metrics(),
                r.reasons(),
                r.skipped(),
                r.version(),
                r.pairsPerDomain(),
                r.timings(),
                r.error(),
                r.at());
        assertThat(validate("TrainingRun", noAttempt)).isNotEmpty();
        TrainingRun emptyId = new TrainingRun(
                r.schemaVersion(),
                "",
                r.model(),
                r.state(),
                r.trigger(),
                r.attempt(),
                r.device(),
                r.progress(),
                r.metrics(),
                r.reasons(),
                r.skipped(),
                r.version(),
                r.pairsPerDomain(),
                r.timings(),
                r.error(),
                r.at());
        assertThat(validate("TrainingRun", emptyId)).isNotEmpty();
    }

    @Test
    void errorTextIsBoundedAndSkippedPairsCapped() throws Exception {
        List<SkippedPair> many = IntStream.range(0, 250)
                .mapToObj(i -> new SkippedPair(SHA, "p-" + i, "TEXT_UNREADABLE"))
                .toList();
        TrainingRun r = run(State.FAILED);
        TrainingRun big = new TrainingRun(
                r.schemaVersion(),
                r.runId(),
                r.model(),
                r.state(),
                r.trigger(),
                r.attempt(),
                r.device(),
                r.progress(),
                r.metrics(),
                r.reasons(),
                many,
                r.version(),
                r.pairsPerDomain(),
                r.timings(),
                "x".repeat(100_000),
                r.at());
        assertThat(big.error()).hasSize(TrainingRun.MAX_ERROR_CHARS + 3).endsWith("...");
        assertThat(big.skipped())
                .hasSize(TrainingRun.MAX_SKIPPED_LISTED)
                .containsExactlyElementsOf(many.subList(0, TrainingRun.MAX_SKIPPED_LISTED));
        assertThat(validate("TrainingRun", big)).isEmpty();
        assertThat(run(State.FAILED).error()).doesNotEndWith("...");
    }

    @Test
    void collectionsAreCopied() {
        var domainMetrics = new HashMap<>(Map.of("i2t_r1", 0.4));
        var metrics = new HashMap<String, Map<String, Double>>(Map.of("fashion", domainMetrics));
        TrainingRun r = new TrainingRun(
                1,
                "r",
                "tiny",
                State.EVALUATING,
                Trigger.TIME,
                1,
                null,
                null,
                metrics,
                null,
                null,
                null,
                null,
                null,
                null,
                T);
        domainMetrics.put("t2i_r1", 0.3);
        metrics.put("sketch", Map.of());
        assertThat(r.metrics()).isEqualTo(Map.of("fashion", Map.of("i2t_r1", 0.4)));
        assertThatThrownBy(() -> r.metrics().get("fashion").put("x", 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void terminalStatesAndTotalTime() {
        assertThat(Arrays.stream(State.values()).filter(State::terminal))
                .containsExactly(State.PROMOTED, State.REJECTED, State.FAILED);
        assertThat(TIMINGS.totalSeconds()).isEqualTo(4.2 + 61.5 + 9.8 + 1.1);
    }

    // --- ModelVersion ---

    @Test
    void modelVersionValidatesAndRoundTrips() throws Exception {
        ModelVersion v = promoted();
        assertThat(validate("ModelVersion", v)).isEmpty();
        assertThat(Json.read(Json.write(v), ModelVersion.class)).isEqualTo(v);
        var serde = EventSerdes.modelVersion();
        assertThat(serde.deserializer()
                        .deserialize(Topics.MODEL_VERSIONS, serde.serializer().serialize(Topics.MODEL_VERSIONS, v)))
                .isEqualTo(v);
    }

    @Test
    void aFirstVersionAndARollbackValidate() throws Exception {
        ModelVersion v = promoted();
        ModelVersion first = new ModelVersion(
                1,
                "tiny",
                1,
                null,
                Announcement.PROMOTED,
                1,
                ModelVersion.CHAMPION,
                v.baseRef(),
                null,
                "s3://clipstream/models/tiny/versions/1/",
                SHA,
                v.dataWindow(),
                v.metrics(),
                new Gate(true, "candidate", null, null),
                v.runId(),
                null,
                T,
                T);
        ModelVersion rollback = new ModelVersion(
                1,
                "tiny",
                2,
                1,
                Announcement.ROLLBACK,
                3,
                null,
                v.baseRef(),
                v.basePin(),
                "s3://clipstream/models/tiny/versions/2/",
                SHA,
                v.dataWindow(),
                v.metrics(),
                v.gate(),
                null,
                null,
                T,
                T.plusSeconds(3600));
        for (ModelVersion ok : List.of(first, rollback)) {
            assertThat(validate("ModelVersion", ok)).isEmpty();
            assertThat(Json.read(Json.write(ok), ModelVersion.class)).isEqualTo(ok);
        }
        ObjectNode explicitNull = (ObjectNode) Json.mapper().readTree(Json.write(rollback));
        explicitNull.putNull("alias");
        assertThat(schema("ModelVersion").validate(explicitNull)).isEmpty();
    }

    @Test
    void modelVersionRefusesABadChecksumOrAnAdapterOutsideModels() throws Exception {
        String uri = promoted().adapterUri();
        assertThat(validate("ModelVersion", withAdapter(uri, SHA.toUpperCase())))
                .isNotEmpty();
        assertThat(validate("ModelVersion", withAdapter(uri, SHA.substring(1)))).isNotEmpty();
        for (String outside : List.of(
                "s3://clipstream/pairs/images/versions/3/",
                "s3://clipstream/models/tiny/versions/3",
                "s3://clipstream/models/tiny/versions/latest/",
                "https://clipstream/models/tiny/versions/3/",
                "s3://clipstream/inbox/acme/models/tiny/versions/3/")) {
            assertThat(validate("ModelVersion", withAdapter(outside, SHA)))
                    .as(outside)
                    .isNotEmpty();
        }
    }

    @Test
    void aBasePinIsTwoHashes() throws Exception {
        assertThatThrownBy(() -> new ModelVersion.BasePin(SHA, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ModelVersion.BasePin(SHA.toUpperCase(), SHA))
                .hasMessageContaining("64 lower-case hex");
        ObjectNode node = (ObjectNode) Json.mapper().readTree(Json.write(promoted()));
        ((ObjectNode) node.get("basePin")).put("tokenizerSha256", "not-a-hash");
        assertThat(schema("ModelVersion").validate(node)).isNotEmpty();
        ((ObjectNode) node.get("basePin")).remove("tokenizerSha256");
        assertThat(schema("ModelVersion").validate(node)).isNotEmpty();
    }

    @Test
    void partitionKeysAreNumbers() throws Exception {
        ObjectNode node = (ObjectNode) Json.mapper().readTree(Json.write(promoted()));
        ObjectNode partitions = (ObjectNode) node.at("/dataWindow/partitions");
        partitions.set("p0", partitions.get("0"));
        assertThat(schema("ModelVersion").validate(node)).isNotEmpty();
        partitions.remove("p0");
        ((ObjectNode) partitions.get("1")).put("from", -1);
        assertThat(schema("ModelVersion").validate(node)).isNotEmpty();
    }

    @Test
    void offsetRangesAreHalfOpenAndOrdered() {
        assertThat(new OffsetRange(5, 5)).isEqualTo(new OffsetRange(5, 5)); // empty: nothing new on the partition
        assertThatThrownBy(() -> new OffsetRange(9, 8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[9, 8)");
        assertThatThrownBy(() -> new OffsetRange(-1, 8)).isInstanceOf(IllegalArgumentException.class);
        String json = new String(Json.write(promoted()), StandardCharsets.UTF_8)
                .replace("\"from\":17,\"to\":17", "\"from\":18,\"to\":17");
        assertThat(json).contains("\"from\":18");
        assertThatThrownBy(() -> Json.read(json.getBytes(StandardCharsets.UTF_8), ModelVersion.class))
                .isInstanceOf(MalformedEventException.class);
    }

    @Test
    void latestVersionIsNeverBelowTheVersion() {
        ModelVersion v = promoted();
        assertThatThrownBy(() -> new ModelVersion(
                        1,
                        "tiny",
                        3,
                        2,
                        Announcement.PROMOTED,
                        2,
                        null,
                        v.baseRef(),
                        v.basePin(),
                        v.adapterUri(),
                        SHA,
                        v.dataWindow(),
                        v.metrics(),
                        v.gate(),
                        v.runId(),
                        null,
                        T,
                        T))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latestVersion");
    }

    @Test
    void loopTopicsCarryTheirEvents() {
        assertThat(TopicSpecs.TRAINING_RUNS.valueType()).isEqualTo(TrainingRun.class);
        assertThat(TopicSpecs.MODEL_VERSIONS.valueType()).isEqualTo(ModelVersion.class);
    }
}
