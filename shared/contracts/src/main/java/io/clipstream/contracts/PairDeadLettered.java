package io.clipstream.contracts;

import java.time.Instant;

/**
 * A pair the curator could not finish for a reason that is not the pair's fault
 * ({@code pairs.deadletter}, key = pairId): object storage stayed unavailable past the curator's
 * patience, one call kept failing after its attempts, or processing hit an unexpected error. Unlike a
 * {@link PairRejected} the pair may well be fine: an operator replays it once the cause is fixed,
 * by writing {@code rawValueBase64} (decoded) back to {@code pairs.raw} under its pairId. The value
 * travels with the dead letter because {@code pairs.raw} keeps records for days and this topic for
 * weeks; {@code rawTopic}/{@code rawPartition}/{@code rawOffset} say where it first was.
 *
 * @param stage    the curation step that gave up ({@code inspect}, {@code store}, ...)
 * @param errorClass the exception class of the last failure
 * @param error    its message, bounded
 * @param attempts how many times the step was tried
 * @param rawValueBase64 the PairSubmitted to replay: the raw record's value as it was on pairs.raw
 *                 (inspect stage), or the pair as the curator had cleaned it (store stage: same
 *                 image bytes, cleaned caption, no attributes)
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
        Instant deadLetteredAt,
        String rawValueBase64) {

    public static final int SCHEMA_VERSION = 1;
    /** Longest {@code error} text kept; exception messages can quote whole payloads. */
    public static final int MAX_ERROR_CHARS = 2000;

    public PairDeadLettered {
        error = Copies.bounded(error, MAX_ERROR_CHARS);
    }
}
