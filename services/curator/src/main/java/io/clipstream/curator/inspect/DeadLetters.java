package io.clipstream.curator.inspect;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.curator.faults.GaveUpException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/** Builds the {@link PairDeadLettered} events of the curation steps. */
public final class DeadLetters {
    public static final String INSPECT = "inspect";
    public static final String STORE = "store";
    /**
     * Largest value carried in a dead letter (before base64): keeps it well inside the topic's and
     * the producer's 16 MiB. A larger one is left out; the raw offset still points at it.
     */
    public static final int MAX_CARRIED_VALUE_BYTES = 8 * 1024 * 1024;

    private DeadLetters() {}

    /**
     * A step that gave up retrying, or failed unexpectedly ({@code attempts} 1).
     *
     * @param rawValue the PairSubmitted bytes to replay
     */
    public static PairDeadLettered of(
            String stage,
            String pairId,
            String source,
            String domain,
            RawRecord raw,
            byte[] rawValue,
            Throwable failure,
            Instant at) {
        int attempts = failure instanceof GaveUpException g ? g.attempts() : 1;
        boolean carried = rawValue != null && rawValue.length <= MAX_CARRIED_VALUE_BYTES;
        String error = (rawValue != null && !carried
                        ? "(value of " + rawValue.length + " bytes not carried; replay it from the raw offset) "
                        : "")
                + failure.getMessage();
        String errorClass = failure instanceof GaveUpException g
                ? g.lastErrorClass()
                : failure.getClass().getName();
        return new PairDeadLettered(
                PairDeadLettered.SCHEMA_VERSION,
                pairId,
                source,
                domain,
                stage,
                errorClass,
                error,
                attempts,
                raw.topic(),
                raw.partition(),
                raw.offset(),
                at,
                carried ? Base64.getEncoder().encodeToString(rawValue) : "");
    }

    /** At the store step the raw record is gone: the pair is rebuilt from what the curator made of it. */
    public static PairDeadLettered of(String stage, Candidate c, Throwable failure, Instant at) {
        byte[] replay = Json.write(new PairSubmitted(
                PairSubmitted.SCHEMA_VERSION,
                c.pairId(),
                c.source(),
                c.domain(),
                c.text(),
                Base64.getEncoder().encodeToString(c.image()),
                null,
                Map.of(),
                c.submittedAt()));
        return of(
                stage,
                c.pairId(),
                c.source(),
                c.domain(),
                new RawRecord(c.rawTopic(), c.rawPartition(), c.rawOffset()),
                replay,
                failure,
                at);
    }
}
