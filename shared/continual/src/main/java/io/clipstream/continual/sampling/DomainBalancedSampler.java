package io.clipstream.continual.sampling;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Multi-source sampler that draws the same number of items from every source (domain) per batch, whatever
 * the sources' sizes: batch slot i goes to source (i + offset) mod k, items drawn without replacement within an
 * epoch of each source (reshuffled when exhausted). Remainders rotate between sources across batches.
 */
public final class DomainBalancedSampler<K, T> {
    private final List<K> keys;
    private final Map<K, List<T>> sources;
    private final Map<K, int[]> order = new LinkedHashMap<>();
    private final Map<K, Integer> cursor = new LinkedHashMap<>();
    private final Random rnd;
    private int offset;

    public DomainBalancedSampler(Map<K, List<T>> sources, Random rnd) {
        this.sources = new LinkedHashMap<>();
        sources.forEach((k, v) -> {
            if (!v.isEmpty()) {
                this.sources.put(k, List.copyOf(v));
            }
        });
        if (this.sources.isEmpty()) {
            throw new IllegalArgumentException("no non-empty source");
        }
        this.keys = List.copyOf(this.sources.keySet());
        this.rnd = rnd;
        for (K k : keys) {
            reshuffle(k);
        }
    }

    public List<K> keys() {
        return keys;
    }

    public List<T> nextBatch(int size) {
        List<T> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            K k = keys.get((i + offset) % keys.size());
            out.add(next(k));
        }
        offset = (offset + size) % keys.size();
        return out;
    }

    private T next(K k) {
        int c = cursor.get(k);
        int[] ord = order.get(k);
        if (c >= ord.length) {
            reshuffle(k);
            c = 0;
            ord = order.get(k);
        }
        cursor.put(k, c + 1);
        return sources.get(k).get(ord[c]);
    }

    private void reshuffle(K k) {
        int n = sources.get(k).size();
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        order.put(k, p);
        cursor.put(k, 0);
    }
}
