package io.clipstream.trainer.ledger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pairs read from pairs.curated that no finished run has taken yet, in offset order per partition. Filled by
 * the feed, cut by the runner when a run finishes. Thread-safe.
 */
public final class PendingPairs {
    private final Map<Integer, List<PairRef>> byPartition = new TreeMap<>();
    /** partition -> offset after the last record read (the feed's position). */
    private final Map<Integer, Long> readUpTo = new TreeMap<>();

    public synchronized void add(PairRef ref) {
        byPartition.computeIfAbsent(ref.partition(), p -> new ArrayList<>()).add(ref);
        readUpTo.merge(ref.partition(), ref.offset() + 1, Math::max);
    }

    /** The feed reached {@code offset} on {@code partition} (compaction leaves gaps; empty polls move it too). */
    public synchronized void readTo(int partition, long offset) {
        readUpTo.merge(partition, offset, Math::max);
    }

    /**
     * Where the feed reads next on {@code partition}: the offset after the last record it read there (0 before any).
     */
    public synchronized long readUpTo(int partition) {
        return readUpTo.getOrDefault(partition, 0L);
    }

    /** What a run would take now. */
    public synchronized Snapshot snapshot() {
        List<PairRef> all = new ArrayList<>();
        byPartition.values().forEach(all::addAll);
        return new Snapshot(List.copyOf(all), Map.copyOf(readUpTo));
    }

    /** Drops every pair below {@code next} (partition -> first offset still pending). */
    public synchronized void cut(Map<Integer, Long> next) {
        next.forEach((p, o) -> {
            List<PairRef> l = byPartition.get(p);
            if (l != null) {
                l.removeIf(r -> r.offset() < o);
            }
        });
    }

    public synchronized int size() {
        return byPartition.values().stream().mapToInt(List::size).sum();
    }

    public synchronized Map<String, Integer> perDomain() {
        List<PairRef> all = new ArrayList<>();
        byPartition.values().forEach(all::addAll);
        return countByDomain(all);
    }

    private static Map<String, Integer> countByDomain(List<PairRef> pairs) {
        Map<String, Integer> out = new LinkedHashMap<>();
        pairs.forEach(r -> out.merge(r.domain(), 1, Integer::sum));
        return out;
    }

    /**
     * The pairs a run takes and how far the feed had read when it took them: the run's data window ends there, so
     * that records compaction removed inside it are not read again.
     */
    public record Snapshot(List<PairRef> pairs, Map<Integer, Long> readUpTo) {
        public Map<String, Integer> perDomain() {
            return countByDomain(pairs);
        }
    }
}
