package io.clipstream.contracts;

import java.time.Instant;
import java.util.List;

/**
 * A pair the curator refused ({@code pairs.rejected}, key = pairId). Points back at the raw record
 * so that an operator can replay it. {@code pairId} may be null when the raw record was unreadable.
 */
public record PairRejected(
        int schemaVersion,
        String pairId,
        String source,
        String domain,
        List<ReasonCode> reasons,
        String detail,
        String rawTopic,
        int rawPartition,
        long rawOffset,
        Instant rejectedAt) {

    public static final int SCHEMA_VERSION = 1;

    public PairRejected {
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("a rejection needs at least one reason code");
        }
    }
}
