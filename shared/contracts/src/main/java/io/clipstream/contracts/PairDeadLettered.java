package io.clipstream.contracts;

import java.time.Instant;

/**
 * A pair the curator could not finish for a reason that is not the pair's fault
 * ({@code pairs.deadletter}, key = pairId): object storage stayed unavailable past the curator's
 * patience, one call kept failing after its attempts, or processing hit an unexpected error. Unlike a
 * {@link PairRejected} the pair may well be fine: an operator replays it from its raw record
 * ({@code rawTopic}/{@code rawPartition}/{@code rawOffset}) once the cause is fixed.
 *
 * @param stage    the curation step that gave up ({@code inspect}, {@code store}, ...)
 * @param errorClass the exception class of the last failure
 * @param error    its message, bounded
 * @param attempts how many times the step was tried
 */
public record PairDeadLettered(
        int schemaVersion,
        String pairId,
        String source,
        String domain,
        String stage,
        String errorClass,
        String error,
        int attempts,
        String rawTopic,
        int rawPartition,
        long rawOffset,
        Instant deadLetteredAt) {

    public static final int SCHEMA_VERSION = 1;
    /** Longest {@code error} text kept; exception messages can quote whole payloads. */
    public static final int MAX_ERROR_CHARS = 2000;

    public PairDeadLettered {
        if (error != null && error.length() > MAX_ERROR_CHARS) {
            error = error.substring(0, MAX_ERROR_CHARS) + "...";
        }
    }
}
