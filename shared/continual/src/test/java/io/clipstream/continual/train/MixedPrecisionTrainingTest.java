package io.clipstream.continual.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.DataType;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.precision.LossScaler;
import io.clipstream.clip.precision.Precision;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.data.SyntheticSamples;
import io.clipstream.continual.model.ClipModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fp16-mixed adapter training on the tiny model, against fp32 from the same seed (fp16 arithmetic runs on the CPU,
 * slowly, which is enough to check the recipe): the same loss and zero-shot accuracy within a stated tolerance,
 * an injected overflow that skips exactly its step and halves the loss scale, fp32 masters that never see a NaN,
 * and a saved adapter that is fp32 and loads like any other.
 */
class MixedPrecisionTrainingTest {
    /** Tolerances of fp16-mixed against fp32: final epoch's loss (relative) and zero-shot accuracy (points). */
    static final double LOSS_TOLERANCE = 0.05;

    static final double ZERO_SHOT_TOLERANCE_POINTS = 5;

    @TempDir
    static Path tmp;

    static Path init;
    static final List<Sample> TRAIN = SyntheticSamples.of("inverted", 320, 1);
    static final List<Sample> VAL = SyntheticSamples.of("inverted", 60, 2);

    @BeforeAll
    static void model() throws Exception {
        init = tmp.resolve("init");
        ClipModels.generate(init, SyntheticSamples.spec(7));
    }

    record Run(
            IncrementTrainer.Result result,
            List<IncrementTrainer.Step> steps,
            double zeroShot,
            Path adapter,
            float[][] texts) {}

    static Evaluator evaluator() {
        return new Evaluator(SyntheticSamples.templates(), SyntheticSamples.prompts(), true);
    }

    static Run train(
            Precision precision, LossScaler scaler, IncrementTrainer.GradientHook hook, int maxSteps, String name)
            throws Exception {
        try (ClipModel m = ClipModel.load(init)) {
            ClipModels.adapterTraining(m, 5);
            List<IncrementTrainer.Step> steps = new ArrayList<>();
            IncrementTrainer trainer = new IncrementTrainer(SyntheticSamples.templates(), evaluator(), true)
                    .precision(precision)
                    .lossScalers(() -> scaler)
                    .onGradients(hook)
                    .onStep(steps::add);
            IncrementTrainer.Result r = trainer.train(
                    m,
                    Map.of("inverted", TRAIN),
                    null,
                    Map.of("inverted", VAL),
                    null,
                    TrainConfig.defaults()
                            .withEpochs(3)
                            .withBatchSize(32)
                            .withLr(2e-3f)
                            .withSeed(3)
                            .withPatience(0)
                            .withAugment(false)
                            .withMaxSteps(maxSteps),
                    SyntheticSamples.DOMAINS);
            m.lora().weights().forEach((k, w) -> {
                assertThat(w.getDataType()).as(k).isEqualTo(DataType.FLOAT32);
                for (float v : w.toFloatArray()) {
                    assertThat(Float.isFinite(v)).as("%s finite", k).isTrue();
                }
            });
            Path adapter = tmp.resolve(name);
            m.saveAdapter(adapter);
            return new Run(
                    r,
                    steps,
                    evaluator().zeroShotAccuracy(m, "inverted", VAL),
                    adapter,
                    m.encodeTexts(SyntheticSamples.texts()));
        }
    }

    @Test
    void fp16MixedTrainsLikeFp32AndSavesAnFp32AdapterThatLoads() throws Exception {
        Run fp32 = train(Precision.FP32, null, (s, g) -> {}, 0, "fp32");
        Run mixed = train(Precision.FP16_MIXED, LossScaler.defaults(), (s, g) -> {}, 0, "mixed");

        assertThat(mixed.result().precision()).isEqualTo(Precision.FP16_MIXED);
        assertThat(fp32.result().lossScale()).isEqualTo(1);
        double loss32 = fp32.result().epochLoss().getLast();
        double loss16 = mixed.result().epochLoss().getLast();
        assertThat(loss16)
                .as("fp16-mixed final loss against fp32's %.4f", loss32)
                .isCloseTo(loss32, within(LOSS_TOLERANCE * loss32));
        assertThat(100 * mixed.zeroShot())
                .as("zero-shot, fp16-mixed against fp32")
                .isCloseTo(100 * fp32.zeroShot(), within(ZERO_SHOT_TOLERANCE_POINTS));
        assertThat(fp32.result().epochLoss().getLast())
                .as("it learnt")
                .isLessThan(fp32.result().epochLoss().getFirst());
        // the first steps may overflow at PyTorch's initial scale of 65536; the scaler then settles
        assertThat(mixed.result().skippedSteps()).isLessThan(mixed.result().steps() / 4);
        assertThat(mixed.steps().getLast().lossScale()).isEqualTo(mixed.result().lossScale());

        try (ClipModel reloaded = ClipModel.load(init)) {
            reloaded.loadAdapter(mixed.adapter());
            float[][] texts = reloaded.encodeTexts(SyntheticSamples.texts());
            for (int i = 0; i < texts.length; i++) {
                assertThat(texts[i])
                        .as("text %d embedded by the reloaded adapter", i)
                        .containsExactly(mixed.texts()[i], within(1e-5f));
            }
        }
    }

    @Test
    void anInjectedOverflowSkipsExactlyThatStepHalvesTheScaleAndNeverReachesTheMasters() throws Exception {
        int poisoned = 4;
        Run run = train(
                Precision.FP16_MIXED,
                new LossScaler(1024, 1000),
                (step, grads) -> {
                    if (step == poisoned) {
                        // an fp16 overflow: one adapter weight's gradient became inf
                        String lora = grads.keySet().stream()
                                .filter(k -> k.contains("lora_B"))
                                .findFirst()
                                .orElseThrow();
                        grads.get(lora).addi(Float.POSITIVE_INFINITY);
                    }
                },
                2 * poisoned,
                "poisoned");

        List<IncrementTrainer.Step> steps = run.steps();
        assertThat(steps.get(poisoned - 1).skippedSteps()).isZero();
        assertThat(steps.get(poisoned - 1).lossScale()).isEqualTo(1024);
        assertThat(steps.get(poisoned).skippedSteps()).as("the poisoned step").isEqualTo(1);
        assertThat(steps.get(poisoned).lossScale()).isEqualTo(512);
        assertThat(run.result().skippedSteps()).as("no other step skipped").isEqualTo(1);
        assertThat(run.result().lossScale()).isEqualTo(512);
        assertThat(run.result().epochLoss()).allSatisfy(l -> assertThat(l).isFinite());
    }
}
