package io.clipstream.contracts;

/**
 * Default topic names. Every service reads its actual names from configuration
 * ({@code clipstream.topics.*}); these are the defaults, and {@link TopicSpecs} describes each.
 */
public final class Topics {
    /** Key pairId, value {@link PairSubmitted}; time-based retention. */
    public static final String PAIRS_RAW = "pairs.raw";
    /** Key {@code <source>/<sha256 of the image bytes>}, value {@link PairCurated}; compacted: the corpus catalogue. */
    public static final String PAIRS_CURATED = "pairs.curated";
    /** Key pairId, value {@link PairRejected}; time-based retention (dead letters). */
    public static final String PAIRS_REJECTED = "pairs.rejected";
    /**
     * Key pairId, value {@link PairDeadLettered}: records that kept failing for a transient reason
     * (object storage unavailable) or for an unexpected error; long retention, for replay.
     */
    public static final String PAIRS_DEADLETTER = "pairs.deadletter";
    /** Key runId, value {@link TrainingRun}: training run lifecycle events. */
    public static final String TRAINING_RUNS = "training.runs";
    /** Key model name, value {@link ModelVersion}; compacted: the latest record per model names the champion. */
    public static final String MODEL_VERSIONS = "model.versions";
    /** Key model name; re-index lifecycle events. */
    public static final String INDEX_EVENTS = "index.events";

    private Topics() {}
}
