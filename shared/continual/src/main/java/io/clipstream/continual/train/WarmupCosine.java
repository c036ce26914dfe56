package io.clipstream.continual.train;

import ai.djl.training.tracker.Tracker;

/**
 * Learning rate: linear warm-up from 0 to {@code base} over {@code warmup} steps, then cosine decay to {@code min} at
 * {@code total}.
 */
public record WarmupCosine(float base, int warmup, int total, float min) implements Tracker {
    @Override
    public float getNewValue(int step) {
        if (step < warmup) {
            return base * (step + 1) / warmup;
        }
        if (step >= total) {
            return min;
        }
        double p = (double) (step - warmup) / Math.max(1, total - warmup);
        return (float) (min + (base - min) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
}
