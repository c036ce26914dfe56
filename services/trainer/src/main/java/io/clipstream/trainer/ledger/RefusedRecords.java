package io.clipstream.trainer.ledger;

import io.clipstream.trainer.ledger.CuratedRecordCheck.Reason;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last pairs.curated records the feed refused, oldest first, for {@code GET /v1/models/{model}/refused}.
 * Thread-safe.
 */
public final class RefusedRecords {
    public static final int KEPT = 100;

    /** @param pairId null when the record did not parse or had none */
    public record Refusal(int partition, long offset, String pairId, Reason reason, String detail, Instant at) {}

    private final int capacity;
    private final ArrayDeque<Refusal> last = new ArrayDeque<>();

    public RefusedRecords() {
        this(KEPT);
    }

    public RefusedRecords(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
        }
        this.capacity = capacity;
    }

    public synchronized void add(Refusal refusal) {
        if (last.size() == capacity) {
            last.removeFirst();
        }
        last.addLast(refusal);
    }

    public synchronized List<Refusal> recent() {
        return List.copyOf(last);
    }
}
