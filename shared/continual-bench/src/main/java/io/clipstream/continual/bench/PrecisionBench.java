package io.clipstream.continual.bench;

import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.continual.bench.domains.BenchDomains;
import io.clipstream.continual.bench.domains.Captions;
import io.clipstream.continual.bench.domains.Domain;
import io.clipstream.continual.bench.domains.DomainSplits;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.datasets.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * fp32 against fp16-mixed LoRA training of one increment (inverted Fashion-MNIST) from the same base and seed, on
 * the tiny bench model or a ViT-B/32-shaped one: train samples/s, final loss, zero-shot accuracy, loss-scaler state.
 * The base is not trained (random weights): the figures compare the two arithmetics, not what the model learns.
 *
 * <pre>./mvnw -B -q -pl shared/continual-bench exec:java -Dbench.main=io.clipstream.continual.bench.PrecisionBench \
 *     -Dexec.args="--model tiny|vit-b32 [--train N] [--batch N] [--epochs N] [--threads N]"</pre>
 */
public final class PrecisionBench {
    private PrecisionBench() {}

    public static void main(String[] args) throws Exception {
        String model = "tiny";
        int train = -1;
        int batch = -1;
        int epochs = 2;
        int threads = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--model" -> model = args[i + 1];
                case "--train" -> train = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                case "--epochs" -> epochs = Integer.parseInt(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        boolean large = model.equals("vit-b32");
        if (!large && !model.equals("tiny")) {
            throw new IllegalArgumentException("--model tiny or vit-b32");
        }
        if (train < 0) {
            train = large ? 32 : 2000;
        }
        if (batch < 0) {
            batch = large ? 8 : 64;
        }
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");

        List<String> classes = FashionMnist.CLASS_NAMES;
        Domain d = Domain.D1_INVERTED;
        DomainSplits splits = DomainSplits.build(
                FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 0),
                FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 0),
                List.of(Domain.values()),
                train,
                100,
                200,
                7);
        Evaluator evaluator = new Evaluator(Captions.captioner(), Captions.classPrompts(classes), true);
        Path base = Files.createTempDirectory("precision-bench").resolve("base");
        TinyClipSpec spec = large
                ? TinyClipSpec.vitB32Shaped().withWords(new ArrayList<>(Captions.vocabulary(classes)))
                : BenchModels.spec(new ArrayList<>(Captions.vocabulary(classes)), 7);
        GenerateTinyClip.generate(base, spec);
        TrainConfig cfg = TrainConfig.defaults()
                .withEpochs(epochs)
                .withBatchSize(batch)
                .withSeed(7)
                .withPatience(0)
                .withAugment(false);
        IncrementTrainer trainer = new IncrementTrainer(Captions.captioner(), evaluator, true);
        System.out.printf(
                "%s model (%d px, width %d, %d layers), LoRA %s, %d %s pairs, batch %d, %d epoch(s), %d intra-op "
                        + "thread(s)%n",
                model,
                spec.imageSize(),
                spec.width(),
                spec.layers(),
                ClipModels.loraConfig().targetModules(),
                train,
                d.id(),
                batch,
                epochs,
                threads);
        List<PrecisionComparison.Row> rows = PrecisionComparison.run(
                List.of(Precision.FP32, Precision.FP16_MIXED),
                base,
                ClipModels.loraConfig(),
                trainer,
                evaluator,
                d.id(),
                splits.train().get(d),
                splits.val().get(d),
                splits.test().get(d),
                cfg,
                BenchDomains.FASHION);
        System.out.println();
        System.out.println(PrecisionComparison.table("fp32 against fp16-mixed, " + model, rows));
        PrecisionComparison.Row fp32 = rows.get(0);
        PrecisionComparison.Row mixed = rows.get(1);
        System.out.printf(
                "fp16-mixed / fp32: %.2fx train samples/s; final loss %+.4f; zero-shot %+.1f points%n",
                mixed.samplesPerSecond() / fp32.samplesPerSecond(),
                mixed.finalLoss() - fp32.finalLoss(),
                100 * (mixed.zeroShot() - fp32.zeroShot()));
    }
}
