package io.clipstream.curator.curation;

import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.curator.faults.GaveUpException;

import java.time.Instant;

/** Builds the {@link PairDeadLettered} events of the curation steps. */
public final class DeadLetters {
    public static final String INSPECT = "inspect";
    public static final String STORE = "store";

    private DeadLetters() {
    }

    /** A step that gave up retrying, or failed unexpectedly ({@code attempts} 1). */
    public static PairDeadLettered of(String stage, String pairId, String source, String domain, RawRecord raw,
                                      Throwable failure, Instant at) {
        int attempts = failure instanceof GaveUpException g ? g.attempts() : 1;
        String errorClass = failure instanceof GaveUpException g ? g.lastErrorClass() : failure.getClass().getName();
        return new PairDeadLettered(PairDeadLettered.SCHEMA_VERSION, pairId, source, domain, stage, errorClass,
                String.valueOf(failure.getMessage()), attempts, raw.topic(), raw.partition(), raw.offset(), at);
    }

    public static PairDeadLettered of(String stage, Candidate c, Throwable failure, Instant at) {
        return of(stage, c.pairId(), c.source(), c.domain(),
                new RawRecord(c.rawTopic(), c.rawPartition(), c.rawOffset()), failure, at);
    }
}
