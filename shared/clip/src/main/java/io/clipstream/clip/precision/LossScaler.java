package io.clipstream.clip.precision;

/**
 * Dynamic loss scaling: the loss is multiplied by {@link #scale()} before the backward pass so that small fp16
 * gradients do not flush to zero, and the gradients are divided by it before the update. A step whose gradients
 * overflowed (inf or NaN) is skipped and the scale halves; after {@code growthInterval} clean steps in a row it
 * doubles. The defaults are PyTorch's {@code GradScaler}'s.
 */
public final class LossScaler {
    public static final double DEFAULT_INITIAL = 65536;
    public static final int DEFAULT_GROWTH_INTERVAL = 2000;
    /** Below this the scale stops halving: a run that overflows at scale 1 has a real divergence, not an fp16 one. */
    static final double MIN_SCALE = 1;

    private final int growthInterval;
    private double scale;
    private int cleanSteps;
    private int skippedSteps;

    public LossScaler(double initialScale, int growthInterval) {
        if (!(initialScale >= MIN_SCALE) || growthInterval < 1) {
            throw new IllegalArgumentException("loss scale " + initialScale + ", growth interval " + growthInterval);
        }
        this.scale = initialScale;
        this.growthInterval = growthInterval;
    }

    public static LossScaler defaults() {
        return new LossScaler(DEFAULT_INITIAL, DEFAULT_GROWTH_INTERVAL);
    }

    /** The current factor on the loss. */
    public double scale() {
        return scale;
    }

    /** Steps skipped so far because their gradients overflowed. */
    public int skippedSteps() {
        return skippedSteps;
    }

    /**
     * Records one step's outcome and moves the scale.
     *
     * @param finite whether every unscaled gradient was finite
     * @return whether the step may update the weights
     */
    public boolean update(boolean finite) {
        if (!finite) {
            skippedSteps++;
            cleanSteps = 0;
            scale = Math.max(MIN_SCALE, scale / 2);
            return false;
        }
        if (++cleanSteps >= growthInterval) {
            cleanSteps = 0;
            scale *= 2;
        }
        return true;
    }
}
