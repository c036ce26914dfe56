package io.clipstream.contracts;

import static io.clipstream.contracts.Principal.CURATOR;
import static io.clipstream.contracts.Principal.GATEWAY;
import static io.clipstream.contracts.Principal.OPERATOR;
import static io.clipstream.contracts.Principal.REFRESH;
import static io.clipstream.contracts.Principal.TRAINER;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The topics of ClipStream: the one list (names, keys, payloads, retention, ACLs derive from it). */
public final class TopicSpecs {
    /** Inline images make raw records of up to ~5.4 MB (a 4 MB body, base64); 8 MiB leaves room. */
    public static final int RAW_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

    public static final int DATA_PARTITIONS = 3;

    public static final TopicSpec PAIRS_RAW = new TopicSpec(
            Topics.PAIRS_RAW,
            "pairId",
            PairSubmitted.class,
            false,
            Optional.of(Duration.ofDays(7)),
            Optional.of(RAW_MAX_MESSAGE_BYTES),
            DATA_PARTITIONS,
            Set.of(GATEWAY),
            Set.of(CURATOR, OPERATOR));
    public static final TopicSpec PAIRS_CURATED = new TopicSpec(
            Topics.PAIRS_CURATED,
            "source/sha256 (of the image bytes)",
            PairCurated.class,
            true,
            Optional.empty(),
            Optional.empty(),
            DATA_PARTITIONS,
            Set.of(CURATOR),
            Set.of(TRAINER, REFRESH, OPERATOR));
    public static final TopicSpec PAIRS_REJECTED = new TopicSpec(
            Topics.PAIRS_REJECTED,
            "pairId",
            PairRejected.class,
            false,
            Optional.of(Duration.ofDays(14)),
            Optional.empty(),
            DATA_PARTITIONS,
            Set.of(CURATOR),
            Set.of(OPERATOR));
    /** A dead letter carries the raw record's value, base64: a third larger than the largest raw record. */
    public static final int DEADLETTER_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    public static final TopicSpec PAIRS_DEADLETTER = new TopicSpec(
            Topics.PAIRS_DEADLETTER,
            "pairId",
            PairDeadLettered.class,
            false,
            Optional.of(Duration.ofDays(30)),
            Optional.of(DEADLETTER_MAX_MESSAGE_BYTES),
            DATA_PARTITIONS,
            Set.of(CURATOR),
            Set.of(OPERATOR));
    public static final TopicSpec TRAINING_RUNS = new TopicSpec(
            Topics.TRAINING_RUNS,
            "runId",
            TrainingRun.class,
            false,
            Optional.of(Duration.ofDays(30)),
            Optional.empty(),
            1,
            Set.of(TRAINER),
            Set.of(REFRESH, OPERATOR));
    public static final TopicSpec MODEL_VERSIONS = new TopicSpec(
            Topics.MODEL_VERSIONS,
            "model name",
            ModelVersion.class,
            true,
            Optional.empty(),
            Optional.empty(),
            1,
            Set.of(TRAINER),
            Set.of(REFRESH, TRAINER, OPERATOR));
    public static final TopicSpec INDEX_EVENTS = new TopicSpec(
            Topics.INDEX_EVENTS,
            "model name",
            IndexEvent.class,
            false,
            Optional.of(Duration.ofDays(7)),
            Optional.empty(),
            1,
            Set.of(REFRESH),
            Set.of(REFRESH, OPERATOR));

    /** The topics of the data plane: what the gateway and the curator need. */
    public static final List<TopicSpec> DATA_PLANE =
            List.of(PAIRS_RAW, PAIRS_CURATED, PAIRS_REJECTED, PAIRS_DEADLETTER);

    public static final List<TopicSpec> ALL = List.of(
            PAIRS_RAW, PAIRS_CURATED, PAIRS_REJECTED, PAIRS_DEADLETTER, TRAINING_RUNS, MODEL_VERSIONS, INDEX_EVENTS);

    private TopicSpecs() {}

    public static Optional<TopicSpec> named(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
