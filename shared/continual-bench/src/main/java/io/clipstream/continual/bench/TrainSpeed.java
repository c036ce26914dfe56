package io.clipstream.continual.bench;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tensor.Constants;
import io.clipstream.continual.bench.domains.BenchDomains;
import io.clipstream.continual.bench.domains.Captions;
import io.clipstream.continual.bench.domains.Domain;
import io.clipstream.continual.bench.domains.DomainSplits;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.IncrementTrainer.StepOptions;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.datasets.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * LoRA training speed of the engine's step, before and after its host-side work was cut, in one JVM: the same
 * guarded increment (half the batch replayed, distillation from a frozen teacher, L2 pull) on the same data, run
 * alternately as the step ran before (every constant tensor built anew, the gradient norm read back tensor by tensor,
 * every caption tokenised in every epoch, batches built on the training thread) and as it runs now. Prints train
 * samples/s of every run and the medians.
 *
 * <pre>./mvnw -B -q -pl shared/continual-bench exec:java -Dbench.main=io.clipstream.continual.bench.TrainSpeed
 * -Dexec.args="3"</pre>
 */
public final class TrainSpeed {
    private TrainSpeed() {}

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path work = Files.createTempDirectory("train-speed");
        List<String> classes = FashionMnist.CLASS_NAMES;
        DomainSplits splits = DomainSplits.build(
                FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 0),
                FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 0),
                List.of(Domain.values()),
                2000,
                100,
                10,
                7);
        Evaluator evaluator = new Evaluator(Captions.captioner(), Captions.classPrompts(classes), true);
        Path base = work.resolve("base");
        ClipModels.generate(base, BenchModels.spec(new ArrayList<>(Captions.vocabulary(classes)), 7));
        ReplayBuffer<String, Sample> replay = new ReplayBuffer<>(1000, new Random(7));
        replay.offerAll(Domain.D0_ORIGINAL.id(), splits.train().get(Domain.D0_ORIGINAL));
        Map<String, List<Sample>> fresh =
                Map.of(Domain.D1_INVERTED.id(), splits.train().get(Domain.D1_INVERTED));
        Map<String, List<Sample>> val =
                Map.of(Domain.D1_INVERTED.id(), splits.val().get(Domain.D1_INVERTED));
        TrainConfig cfg = TrainConfig.defaults()
                .withEpochs(3)
                .withBatchSize(64)
                .withSeed(7)
                .withPatience(0)
                .withGuards(0.5, 1f, io.clipstream.continual.train.DistillScope.BATCH, 0.01f);
        List<String> domainIndex = BenchDomains.FASHION;

        System.out.printf(
                "guarded LoRA increment: %d new + replayed pairs, batch %d (half replayed), distillation + L2, %d "
                        + "epochs, %d intra-op thread(s)%n%n",
                fresh.values().iterator().next().size(), cfg.batchSize(), cfg.epochs(), threads);
        System.out.println("| round | before: samples/s | after: samples/s |\n|---:|---:|---:|");
        run(base, evaluator, fresh, replay, val, cfg, domainIndex, StepOptions.DEFAULT, true); // warm-up: JIT, engine
        double[] before = new double[rounds];
        double[] after = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            before[r] = run(base, evaluator, fresh, replay, val, cfg, domainIndex, StepOptions.BASELINE, false);
            after[r] = run(base, evaluator, fresh, replay, val, cfg, domainIndex, StepOptions.DEFAULT, true);
            System.out.printf("| %d | %.0f | %.0f |%n", r + 1, before[r], after[r]);
        }
        double b = median(before);
        double a = median(after);
        System.out.printf("%nmedian: before %.0f samples/s, after %.0f samples/s (%.2fx)%n", b, a, a / b);
    }

    private static double run(
            Path base,
            Evaluator evaluator,
            Map<String, List<Sample>> fresh,
            ReplayBuffer<String, Sample> replay,
            Map<String, List<Sample>> val,
            TrainConfig cfg,
            List<String> domainIndex,
            StepOptions options,
            boolean constantCache)
            throws Exception {
        Constants.setCaching(constantCache);
        try (ClipModel model = ClipModel.load(base);
                ClipModel teacher = ClipModels.loadFrozen(base, null)) {
            ClipModels.adapterTraining(model, 7);
            IncrementTrainer trainer = new IncrementTrainer(Captions.captioner(), evaluator, true).stepOptions(options);
            return trainer.train(model, fresh, replay, val, teacher, cfg, domainIndex)
                    .samplesPerSecond();
        } finally {
            Constants.setCaching(true);
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
