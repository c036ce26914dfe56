package io.clipstream.continual.sampling;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Builds the training batches of an increment: each batch holds {@code round(replayFraction * size)} replay items
 * drawn domain-balanced from the replay buffer, and new-domain pairs for the rest. With an empty buffer (or
 * fraction 0) batches are all new data.
 */
public final class ReplayMixer<K, T> {
    private final DomainBalancedSampler<K, T> fresh;
    private final DomainBalancedSampler<K, T> replay;
    private final double replayFraction;
    private final Random rnd;

    public ReplayMixer(Map<K, List<T>> newData, ReplayBuffer<K, T> buffer, double replayFraction, Random rnd) {
        if (replayFraction < 0 || replayFraction >= 1) {
            throw new IllegalArgumentException("replayFraction in [0,1)");
        }
        this.fresh = new DomainBalancedSampler<>(newData, rnd);
        Map<K, List<T>> old = new LinkedHashMap<>(buffer == null ? Map.of() : buffer.contents());
        newData.keySet().forEach(old::remove); // never "replay" the domain being learned
        old.values().removeIf(List::isEmpty);
        this.replay = old.isEmpty() || replayFraction == 0 ? null : new DomainBalancedSampler<>(old, rnd);
        this.replayFraction = replay == null ? 0 : replayFraction;
        this.rnd = rnd;
    }

    public int replayCount(int batchSize) {
        return (int) Math.round(replayFraction * batchSize);
    }

    public List<T> nextBatch(int batchSize) {
        int r = replayCount(batchSize);
        List<T> out = new ArrayList<>(batchSize);
        out.addAll(fresh.nextBatch(batchSize - r));
        if (r > 0) {
            out.addAll(replay.nextBatch(r));
        }
        Collections.shuffle(out, rnd);
        return out;
    }
}
