package io.clipstream.trainer.ledger;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The durable position of a model's ledger ({@code models/<model>/ledger.json}): for each partition of
 * pairs.curated, the offset of the first record no finished run has taken. The pairs not yet trained on are the
 * records from there on: the compacted topic itself holds them, so a restart re-reads them instead of keeping
 * them in memory.
 *
 * @param next       partition -> first offset not yet taken by a finished (promoted or rejected) run
 * @param runs       runs started so far (numbers run ids)
 * @param lastRunAt  when the last run finished, null before the first
 * @param lastPromotedAt when a run last promoted a version, null before the first
 */
public record LedgerState(Map<Integer, Long> next, int runs, Instant lastRunAt, Instant lastPromotedAt) {
    public LedgerState {
        next = next == null ? Map.of() : Map.copyOf(next);
    }

    public static LedgerState empty() {
        return new LedgerState(Map.of(), 0, null, null);
    }

    public long next(int partition) {
        return next.getOrDefault(partition, 0L);
    }

    /** Every partition at least as far as {@code ends}. */
    public LedgerState advancedTo(Map<Integer, Long> ends) {
        Map<Integer, Long> n = new TreeMap<>(next);
        ends.forEach((p, o) -> n.merge(p, o, Math::max));
        return new LedgerState(n, runs, lastRunAt, lastPromotedAt);
    }

    public LedgerState withRuns(int runs) {
        return new LedgerState(next, runs, lastRunAt, lastPromotedAt);
    }

    public LedgerState finished(Instant at, boolean promoted) {
        return new LedgerState(next, runs, at, promoted ? at : lastPromotedAt);
    }
}
