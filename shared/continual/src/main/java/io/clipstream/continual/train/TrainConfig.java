package io.clipstream.continual.train;

/**
 * Settings of one training run (an increment, or the base-model training).
 *
 * @param epochs          passes over the new data (a step draws {@code batchSize} pairs incl. replay)
 * @param maxSteps        hard cap on steps (0 = none)
 * @param batchSize       pairs per step
 * @param lr              peak learning rate (AdamW)
 * @param warmupFraction  fraction of the steps used for linear warm-up; then cosine decay to {@code lr * minLrFactor}
 * @param weightDecay     AdamW decoupled weight decay
 * @param clipNorm        global gradient-norm bound (0 = off)
 * @param patience        early stopping: epochs without validation R@1 improvement before stopping (0 = off)
 * @param replayFraction  share of each batch drawn from the replay buffer (0 = no replay)
 * @param distillWeight   weight of the KL distillation from the previous model (0 = off)
 * @param distillTemperature temperature of the distillation softmax (applied on top of the logit scale)
 * @param distillScope    which pairs of a batch the distillation is computed on
 * @param l2Weight        weight of the L2 pull toward the previous adapter (0 = off)
 * @param dannWeight      weight of the domain-adversarial loss (0 = off)
 * @param dannLambda      gradient-reversal strength
 * @param augment         image augmentation on/off
 * @param seed            seed of sampling / augmentation / captions
 */
public record TrainConfig(
        int epochs,
        int maxSteps,
        int batchSize,
        float lr,
        float warmupFraction,
        float minLrFactor,
        float weightDecay,
        double clipNorm,
        int patience,
        double replayFraction,
        float distillWeight,
        float distillTemperature,
        DistillScope distillScope,
        float l2Weight,
        float dannWeight,
        float dannLambda,
        boolean augment,
        long seed) {

    public static TrainConfig defaults() {
        return new TrainConfig(
                3, 0, 64, 1e-3f, 0.1f, 0.05f, 0.01f, 1.0, 2, 0.0, 0f, 1f, DistillScope.BATCH, 0f, 0f, 0.1f, true, 42);
    }

    public TrainConfig withEpochs(int e) {
        return new TrainConfig(
                e,
                maxSteps,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                augment,
                seed);
    }

    public TrainConfig withMaxSteps(int s) {
        return new TrainConfig(
                epochs,
                s,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                augment,
                seed);
    }

    public TrainConfig withBatchSize(int b) {
        return new TrainConfig(
                epochs,
                maxSteps,
                b,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                augment,
                seed);
    }

    public TrainConfig withLr(float l) {
        return new TrainConfig(
                epochs,
                maxSteps,
                batchSize,
                l,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                augment,
                seed);
    }

    public TrainConfig withSeed(long s) {
        return new TrainConfig(
                epochs,
                maxSteps,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                augment,
                s);
    }

    /** Guards: replay share, distillation weight and scope, L2-pull weight. */
    public TrainConfig withGuards(double replay, float distill, DistillScope distillScope, float l2) {
        return new TrainConfig(
                epochs,
                maxSteps,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replay,
                distill,
                distillTemperature,
                distillScope,
                l2,
                dannWeight,
                dannLambda,
                augment,
                seed);
    }

    public TrainConfig withDann(float weight, float lambda) {
        return new TrainConfig(
                epochs,
                maxSteps,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                weight,
                lambda,
                augment,
                seed);
    }

    public TrainConfig withAugment(boolean a) {
        return new TrainConfig(
                epochs,
                maxSteps,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                patience,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                a,
                seed);
    }

    public TrainConfig withPatience(int p) {
        return new TrainConfig(
                epochs,
                maxSteps,
                batchSize,
                lr,
                warmupFraction,
                minLrFactor,
                weightDecay,
                clipNorm,
                p,
                replayFraction,
                distillWeight,
                distillTemperature,
                distillScope,
                l2Weight,
                dannWeight,
                dannLambda,
                augment,
                seed);
    }
}
