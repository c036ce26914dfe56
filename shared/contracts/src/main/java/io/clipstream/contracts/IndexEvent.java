package io.clipstream.contracts;

import java.time.Instant;

/**
 * What the embedding-refresh service's vector index is doing ({@code index.events}, key = model name). A
 * re-index builds a new index beside the live one for {@code version} and ends SWAPPED (it now answers every
 * query) or FAILED (the live index keeps serving).
 *
 * @param buildId        one re-index: its events share it
 * @param version        the model version the index is built with; 0 is the base checkpoint without adapter
 * @param liveVersion    the version of the index answering queries when the event was written; null when none does
 * @param backend        the vector engine, e.g. {@code lucene}
 * @param indexed        pairs embedded into the new index so far
 * @param reembedded     of those, the pairs whose vectors the new version's model computed; null when not counted
 * @param carried        of those, the pairs whose vectors were carried: computed before by the same weights (an expert
 *                       the new version shares with an earlier one) and taken from the embedding cache; null when not
 *                       counted
 * @param total          pairs in the catalogue when the build started (its end offsets); null when unknown
 * @param pairsPerSecond embedding rate of the build so far
 * @param etaSeconds     remaining time at that rate; null when unknown
 * @param durationSeconds time since REINDEX_STARTED (at SWAPPED: the whole re-index)
 * @param reason         why the build started: {@code champion}, {@code rollback}, {@code first index}, {@code resumed}
 * @param error          what failed (FAILED only)
 */
public record IndexEvent(
        int schemaVersion,
        String model,
        String buildId,
        State state,
        int version,
        Integer liveVersion,
        String backend,
        long indexed,
        Long reembedded,
        Long carried,
        Long total,
        double pairsPerSecond,
        Double etaSeconds,
        double durationSeconds,
        String reason,
        String error,
        Instant at) {

    public static final int SCHEMA_VERSION = 1;
    public static final int MAX_ERROR_CHARS = TrainingRun.MAX_ERROR_CHARS;

    /** An event that does not count re-embedded and carried pairs. */
    public IndexEvent(
            int schemaVersion,
            String model,
            String buildId,
            State state,
            int version,
            Integer liveVersion,
            String backend,
            long indexed,
            Long total,
            double pairsPerSecond,
            Double etaSeconds,
            double durationSeconds,
            String reason,
            String error,
            Instant at) {
        this(
                schemaVersion,
                model,
                buildId,
                state,
                version,
                liveVersion,
                backend,
                indexed,
                null,
                null,
                total,
                pairsPerSecond,
                etaSeconds,
                durationSeconds,
                reason,
                error,
                at);
    }

    public IndexEvent {
        if (version < 0) {
            throw new IllegalArgumentException("version " + version + " is below 0");
        }
        if (error != null && error.length() > MAX_ERROR_CHARS) {
            error = error.substring(0, MAX_ERROR_CHARS) + "...";
        }
    }

    /** The states of a re-index. */
    public enum State {
        REINDEX_STARTED,
        PROGRESS,
        SWAPPED,
        FAILED
    }
}
