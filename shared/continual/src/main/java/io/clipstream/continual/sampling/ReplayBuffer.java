package io.clipstream.continual.sampling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Replay buffer of earlier domains: one reservoir (Vitter's algorithm R) of fixed capacity per domain, so every
 * item ever offered to a domain has the same probability capacity/seen of being kept, and no domain crowds out
 * another.
 */
public final class ReplayBuffer<K, T> {
    private final int capacityPerDomain;
    private final Random rnd;
    private final Map<K, List<T>> reservoirs = new LinkedHashMap<>();
    private final Map<K, Long> seen = new LinkedHashMap<>();

    public ReplayBuffer(int capacityPerDomain, Random rnd) {
        if (capacityPerDomain <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.capacityPerDomain = capacityPerDomain;
        this.rnd = rnd;
    }

    public void offer(K domain, T item) {
        List<T> r = reservoirs.computeIfAbsent(domain, k -> new ArrayList<>());
        long n = seen.merge(domain, 1L, Long::sum);
        if (r.size() < capacityPerDomain) {
            r.add(item);
        } else {
            long j = (long) (rnd.nextDouble() * n);
            if (j < capacityPerDomain) {
                r.set((int) j, item);
            }
        }
    }

    /**
     * Puts back a reservoir saved earlier ({@link #contents()} and {@link #seen}), so that sampling continues with the
     * same probabilities across processes. Replaces what the buffer holds for {@code domain}.
     */
    public void restore(K domain, List<T> items, long seen) {
        if (items.size() > capacityPerDomain || seen < items.size()) {
            throw new IllegalArgumentException(
                    "reservoir of " + items.size() + " items, " + seen + " seen, capacity " + capacityPerDomain);
        }
        reservoirs.put(domain, new ArrayList<>(items));
        this.seen.put(domain, seen);
    }

    public void offerAll(K domain, List<T> items) {
        for (T t : items) {
            offer(domain, t);
        }
    }

    public Map<K, List<T>> contents() {
        Map<K, List<T>> out = new LinkedHashMap<>();
        reservoirs.forEach((k, v) -> out.put(k, Collections.unmodifiableList(v)));
        return Collections.unmodifiableMap(out);
    }

    public long seen(K domain) {
        return seen.getOrDefault(domain, 0L);
    }

    public int size() {
        return reservoirs.values().stream().mapToInt(List::size).sum();
    }

    public boolean isEmpty() {
        return size() == 0;
    }

    public int capacityPerDomain() {
        return capacityPerDomain;
    }
}
