package io.clipstream.continual.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ClipOutput;
import io.clipstream.clip.ScalarOps;
import io.clipstream.clip.precision.LossScaler;
import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.tokenize.TokenBatch;
import io.clipstream.continual.augment.ImageAugmenter;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.sampling.ReplayMixer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One training run: AdamW with warm-up + cosine, global-norm clipping, symmetric InfoNCE (class-aware positives
 * when {@code classAwarePositives}), plus the switchable guards (replay mixing, KL distillation from a frozen teacher
 * on the replayed pairs or the whole batch ({@link DistillScope}), L2 pull toward the starting weights) and the
 * optional domain-adversarial loss. Early stopping restores the
 * weights of the epoch with the best validation R@1 (mean of image->text and text->image).
 */
public final class IncrementTrainer {
    private final Captioner captioner;
    private final Evaluator evaluator;
    private final boolean classAwarePositives;
    private Consumer<String> log = s -> {};
    private Consumer<Step> onStep = s -> {};
    private StepOptions options = StepOptions.DEFAULT;
    private Function<String, ImageAugmenter> augmentations = d -> ImageAugmenter.defaults();
    private Precision precision = Precision.FP32;
    private Supplier<LossScaler> lossScalers = LossScaler::defaults;
    private GradientHook gradientHook = (step, grads) -> {};

    /** Distinct captions whose tokens a run keeps (~1 KiB each at CLIP's 77 tokens). */
    static final int TOKEN_CACHE_ENTRIES = 100_000;

    /**
     * How the host side of a step runs; the batches, and so the trained weights, are the same every way.
     *
     * @param prefetch    prepare batches (sampling, augmentation, captions, tokens, pixels) on a thread of their own,
     *                    a few steps ahead
     * @param cacheTokens tokenise each distinct caption once per run
     * @param deviceNorm  reduce the gradient norm on the device with one read-back, not one per tensor
     */
    public record StepOptions(boolean prefetch, boolean cacheTokens, boolean deviceNorm) {
        public static final StepOptions DEFAULT = new StepOptions(true, true, true);
        /** The step as it ran before these options existed: the benchmark's baseline. */
        public static final StepOptions BASELINE = new StepOptions(false, false, false);
    }

    /**
     * After every optimizer step: where the run is, for progress reports.
     *
     * @param lossScale    the loss scale after this step (1 in fp32)
     * @param skippedSteps steps so far whose loss or gradients were not finite (skipped, no update)
     */
    public record Step(
            int step,
            int totalSteps,
            double loss,
            long samples,
            double trainSeconds,
            Precision precision,
            double lossScale,
            int skippedSteps) {
        public double samplesPerSecond() {
            return trainSeconds <= 0 ? 0 : samples / trainSeconds;
        }

        /** Seconds left at the current pace. */
        public double etaSeconds() {
            return step <= 0 ? 0 : trainSeconds / step * Math.max(0, totalSteps - step);
        }
    }

    public record Result(
            int steps,
            long samples,
            double trainSeconds,
            double bestValR1,
            int bestEpoch,
            List<Double> epochLoss,
            List<Double> epochValR1,
            boolean stoppedEarly,
            Precision precision,
            double lossScale,
            int skippedSteps) {
        public double samplesPerSecond() {
            return trainSeconds <= 0 ? 0 : samples / trainSeconds;
        }
    }

    /**
     * @param captioner           the caption of a sample in a training step
     * @param classAwarePositives same-label pairs of a batch count as positives (labelled data with many
     *                            near-identical captions); otherwise only each pair's own caption is
     */
    public IncrementTrainer(Captioner captioner, Evaluator evaluator, boolean classAwarePositives) {
        this.captioner = captioner;
        this.evaluator = evaluator;
        this.classAwarePositives = classAwarePositives;
    }

    public IncrementTrainer log(Consumer<String> log) {
        this.log = log;
        return this;
    }

    /**
     * The augmentation of each domain's pairs when the run augments ({@link TrainConfig#augment()}); default
     * {@link ImageAugmenter#defaults()} for every domain. An augmentation must not make a view of another domain
     * (a mirrored image of a rotated domain is rotated the other way).
     */
    public IncrementTrainer augmentations(Function<String, ImageAugmenter> byDomain) {
        this.augmentations = byDomain;
        return this;
    }

    public IncrementTrainer stepOptions(StepOptions options) {
        this.options = options;
        return this;
    }

    /**
     * {@code fp32} (default) or {@code fp16-mixed}: fp16 forward and backward passes over fp16 copies of the weights,
     * the loss and AdamW in fp32 over the fp32 masters, with dynamic loss scaling ({@link LossScaler}). The trained
     * weights are fp32 either way.
     */
    public IncrementTrainer precision(Precision precision) {
        this.precision = precision;
        return this;
    }

    /** The loss scaler of each fp16-mixed run (default {@link LossScaler#defaults()}). */
    public IncrementTrainer lossScalers(Supplier<LossScaler> lossScalers) {
        this.lossScalers = lossScalers;
        return this;
    }

    /** Sees (and may change) every step's unscaled fp32 gradients before they are checked: fault injection. */
    @FunctionalInterface
    public interface GradientHook {
        void accept(int step, Map<String, NDArray> gradients);
    }

    public IncrementTrainer onGradients(GradientHook hook) {
        this.gradientHook = hook;
        return this;
    }

    /** Called after every step (on the training thread: keep it cheap). */
    public IncrementTrainer onStep(Consumer<Step> listener) {
        this.onStep = listener;
        return this;
    }

    /**
     * @param model    trains whatever {@link ClipModel#trainableParameters()} holds (the whole base, or adapter + logit
     * scale)
     * @param newData  new pairs, by domain (several domains = balanced multi-source sampling, e.g. joint training)
     * @param replay   replay buffer of earlier domains (null = none; used only when replayFraction > 0)
     * @param val      validation sets for early stopping (R@1 averaged over them)
     * @param teacher  frozen previous model for distillation (null = none), e.g. {@code ClipModels.loadFrozen}
     * @param domainIndex numbering of domains for the adversarial classifier
     */
    public Result train(
            ClipModel model,
            Map<String, List<Sample>> newData,
            ReplayBuffer<String, Sample> replay,
            Map<String, List<Sample>> val,
            ClipModel teacher,
            TrainConfig cfg,
            List<String> domainIndex) {
        Random rnd = new Random(cfg.seed());
        Function<String, ImageAugmenter> aug = cfg.augment() ? augmentations : d -> ImageAugmenter.none();
        ReplayMixer<String, Sample> mixer =
                new ReplayMixer<>(newData, cfg.replayFraction() > 0 ? replay : null, cfg.replayFraction(), rnd);
        int newPerStep = Math.max(1, cfg.batchSize() - mixer.replayCount(cfg.batchSize()));
        int newTotal = newData.values().stream().mapToInt(List::size).sum();
        int stepsPerEpoch = Math.max(1, (int) Math.ceil(newTotal / (double) newPerStep));
        int totalSteps = cfg.epochs() * stepsPerEpoch;
        if (cfg.maxSteps() > 0) {
            totalSteps = Math.min(totalSteps, cfg.maxSteps());
        }
        int warmup = Math.max(1, Math.round(cfg.warmupFraction() * totalSteps));
        Optimizer opt = Optimizer.adamW()
                .optLearningRateTracker(new WarmupCosine(cfg.lr(), warmup, totalSteps, cfg.lr() * cfg.minLrFactor()))
                .optWeightDecays(cfg.weightDecay())
                .build();

        Map<String, NDArray> params = new LinkedHashMap<>();
        Map<String, Parameter> trainable = model.trainableParameters();
        trainable.forEach((k, p) -> params.put(k, p.getArray()));
        if (params.isEmpty()) {
            throw new IllegalStateException("nothing to train: no trainable parameter");
        }
        boolean distillReplayOnly = cfg.distillScope() != DistillScope.BATCH;
        LossScaler scaler = precision.mixed() ? lossScalers.get() : null;
        try (NDManager runManager = model.manager().newSubManager();
                HalfPrecisionScope half = new HalfPrecisionScope(model, precision, runManager);
                TrainingBatches batches = new TrainingBatches(
                        mixer,
                        x -> !newData.containsKey(x.domain()),
                        aug,
                        captioner,
                        model,
                        options.cacheTokens() ? new TokenCache(model, TOKEN_CACHE_ENTRIES) : null,
                        rnd,
                        cfg.batchSize(),
                        distillReplayOnly,
                        domainIndex,
                        totalSteps,
                        options.prefetch())) {
            // L2 pull toward the adapter the increment starts from (the previous promoted one)
            Map<String, NDArray> anchor =
                    cfg.l2Weight() > 0 && model.lora().isActive() ? model.lora().copyWeights(runManager) : null;
            DomainClassifier dann = cfg.dannWeight() > 0
                    ? new DomainClassifier(
                            runManager, model.config().projectionDim(), 64, domainIndex.size(), cfg.seed())
                    : null;
            if (dann != null) {
                params.putAll(dann.parameters());
            }
            // where each weight's gradient lands: its fp16 working copy in a mixed-precision step, else itself
            Map<String, NDArray> gradSources = new LinkedHashMap<>(params);
            trainable.forEach((k, p) -> gradSources.put(k, half.view().of(p)));

            List<Double> epochLoss = new ArrayList<>();
            List<Double> epochVal = new ArrayList<>();
            double best = Double.NEGATIVE_INFINITY;
            int bestEpoch = -1;
            Map<String, NDArray> bestWeights = null;
            int sinceBest = 0;
            boolean stopped = false;
            long samples = 0;
            double seconds = 0;
            int step = 0;
            int skipped = 0;
            int epochs = (int) Math.ceil(totalSteps / (double) stepsPerEpoch);
            for (int epoch = 0; epoch < epochs && !stopped; epoch++) {
                double lossSum = 0;
                int lossN = 0;
                long t0 = System.nanoTime();
                for (int s = 0; s < stepsPerEpoch && step < totalSteps; s++, step++) {
                    TrainingBatches.Prepared batch = batches.next();
                    int distillRows = batch.distillRows();
                    int[] groups = batch.groups();
                    int[] doms = batch.domains();
                    try (NDManager m = model.manager().newSubManager()) {
                        NDArray px = model.preprocessor().toBatch(m, batch.pixels());
                        TokenBatch tok = batch.tokens();
                        NDArray ids = tok.idsArray(m);
                        NDArray mask = tok.maskArray(m);
                        NDArray teacherLogits = null;
                        // the in-batch similarity distribution over the first distillRows pairs; 1 pair has none
                        if (teacher != null && cfg.distillWeight() > 0 && distillRows > 1) {
                            NDArray tpx = distillRows == batch.size() ? px : px.get("0:" + distillRows);
                            NDArray tids = distillRows == batch.size() ? ids : ids.get("0:" + distillRows);
                            NDArray tmask = distillRows == batch.size() ? mask : mask.get("0:" + distillRows);
                            teacherLogits = ContrastiveLoss.logits(teacher.forward(tpx, tids, tmask, false))
                                    .stopGradient();
                            teacherLogits.attach(m);
                        }
                        float lossValue;
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            ClipOutput o = model.forward(px, ids, mask, true);
                            NDArray loss = ContrastiveLoss.symmetric(o, classAwarePositives ? groups : null);
                            if (teacherLogits != null) {
                                NDArray studentLogits = ContrastiveLoss.logits(o);
                                if (distillRows < batch.size()) {
                                    studentLogits = studentLogits.get("0:" + distillRows + ", 0:" + distillRows);
                                }
                                loss = loss.add(ScalarOps.mul(
                                        DistillationLoss.kl(studentLogits, teacherLogits, cfg.distillTemperature()),
                                        cfg.distillWeight()));
                            }
                            if (anchor != null) {
                                loss = loss.add(ScalarOps.mul(
                                        model.lora().squaredDistance(anchor, m, half.view()), cfg.l2Weight()));
                            }
                            if (dann != null) {
                                loss = loss.add(ScalarOps.mul(
                                        dann.adversarialLoss(o.imageEmbeds(), doms, cfg.dannLambda()),
                                        cfg.dannWeight()));
                            }
                            gc.backward(scaler == null ? loss : ScalarOps.mul(loss, (float) scaler.scale()));
                            lossValue = loss.getFloat();
                            loss.attach(m);
                        }
                        Map<String, NDArray> grads = new LinkedHashMap<>();
                        for (Map.Entry<String, NDArray> e : gradSources.entrySet()) {
                            NDArray g = e.getValue().getGradient();
                            g.attach(m);
                            if (scaler != null) {
                                g = g.toType(DataType.FLOAT32, true);
                                g.attach(m);
                                g.muli((float) (1 / scaler.scale()));
                            }
                            grads.put(e.getKey(), g);
                        }
                        gradientHook.accept(step, grads);
                        double norm = options.deviceNorm()
                                ? GradClip.globalNorm(grads.values())
                                : GradClip.globalNormPerTensor(grads.values());
                        boolean finite = Float.isFinite(lossValue) && Double.isFinite(norm);
                        if (scaler != null) {
                            scaler.update(finite);
                        }
                        if (!finite) {
                            // a non-finite loss or gradient would poison the weights and AdamW's moments: skip the step
                            // (in fp16-mixed an overflow at this loss scale, which the scaler has just halved)
                            gradSources.values().forEach(IncrementTrainer::zeroGradient);
                            skipped++;
                            onStep.accept(new Step(
                                    step + 1,
                                    totalSteps,
                                    lossValueOf(lossSum, lossN),
                                    samples,
                                    seconds + (System.nanoTime() - t0) / 1e9,
                                    precision,
                                    lossScale(scaler),
                                    skipped));
                            continue;
                        }
                        float scale = GradClip.scale(norm, cfg.clipNorm());
                        for (Map.Entry<String, NDArray> e : params.entrySet()) {
                            NDArray g = grads.get(e.getKey());
                            opt.update(e.getKey(), e.getValue(), scale == 1f ? g : g.mul(scale));
                        }
                        half.afterUpdate();
                        // PyTorch accumulates; the optimizer only zeroes the (scaled) array it consumed. zero_() rather
                        // than g*0: a NaN in a gradient buffer would survive multiplication and poison every later step
                        gradSources.values().forEach(IncrementTrainer::zeroGradient);
                        lossSum += lossValue;
                        lossN++;
                        samples += batch.size();
                    }
                    onStep.accept(new Step(
                            step + 1,
                            totalSteps,
                            lossValueOf(lossSum, lossN),
                            samples,
                            seconds + (System.nanoTime() - t0) / 1e9,
                            precision,
                            lossScale(scaler),
                            skipped));
                }
                seconds += (System.nanoTime() - t0) / 1e9;
                epochLoss.add(lossSum / Math.max(1, lossN));
                double v = validationR1(model, val);
                epochVal.add(v);
                log.accept(String.format(
                        "  epoch %d: steps %d, loss %.4f, val R@1 %.3f, %.0f samples/s%s",
                        epoch + 1,
                        step,
                        lossSum / Math.max(1, lossN),
                        v,
                        samples / Math.max(1e-9, seconds),
                        skipped > 0 ? ", " + skipped + " non-finite steps skipped" : ""));
                if (v > best + 1e-9) {
                    best = v;
                    bestEpoch = epoch;
                    sinceBest = 0;
                    if (bestWeights != null) {
                        bestWeights.values().forEach(NDArray::close);
                    }
                    bestWeights = snapshot(model, runManager);
                } else if (cfg.patience() > 0 && ++sinceBest >= cfg.patience()) {
                    stopped = true;
                }
            }
            if (bestWeights != null && bestEpoch != epochLoss.size() - 1) {
                restore(model, bestWeights);
            }
            return new Result(
                    step,
                    samples,
                    seconds,
                    best,
                    bestEpoch,
                    epochLoss,
                    epochVal,
                    stopped,
                    precision,
                    lossScale(scaler),
                    skipped);
        }
    }

    /**
     * Moves the items that {@code isReplay} accepts to the front of {@code batch}, keeping the order within both
     * groups, and returns how many there are. (In-batch contrastive losses do not depend on the order.)
     */
    static <T> int replayFirst(List<T> batch, Predicate<T> isReplay) {
        List<T> replayed = new ArrayList<>(batch.size());
        List<T> fresh = new ArrayList<>(batch.size());
        for (T x : batch) {
            (isReplay.test(x) ? replayed : fresh).add(x);
        }
        batch.clear();
        batch.addAll(replayed);
        batch.addAll(fresh);
        return replayed.size();
    }

    static void zeroGradient(NDArray param) {
        if (param instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            param.getGradient().muli(0);
        }
    }

    /** Detached copies of the trainable weights (early stopping keeps the best epoch). */
    private static Map<String, NDArray> snapshot(ClipModel model, NDManager owner) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        model.trainableParameters().forEach((k, p) -> {
            NDArray c = p.getArray().duplicate().stopGradient();
            c.attach(owner);
            out.put(k, c);
        });
        return out;
    }

    private static void restore(ClipModel model, Map<String, NDArray> weights) {
        model.trainableParameters().forEach((k, p) -> {
            NDArray w = weights.get(k);
            if (w != null) {
                p.getArray().set(w.toByteBuffer());
            }
        });
    }

    private static double lossScale(LossScaler scaler) {
        return scaler == null ? 1 : scaler.scale();
    }

    private static double lossValueOf(double sum, int n) {
        return n == 0 ? Double.NaN : sum / n;
    }

    private double validationR1(ClipModel model, Map<String, List<Sample>> val) {
        if (val == null || val.isEmpty()) {
            return 0;
        }
        double s = 0;
        for (Map.Entry<String, List<Sample>> e : val.entrySet()) {
            Evaluator.DomainMetrics m = evaluator.evaluate(model, e.getKey(), e.getValue());
            s += (m.i2tR1() + m.t2iR1()) / 2;
        }
        return s / val.size();
    }
}
