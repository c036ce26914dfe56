package io.clipstream.continual.bench;

import io.clipstream.clip.ClipModel;
import io.clipstream.continual.bench.domains.Captions;
import io.clipstream.continual.bench.domains.Domain;
import io.clipstream.continual.bench.domains.DomainSplits;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.engine.ContinualLearner;
import io.clipstream.continual.engine.LocalVersions;
import io.clipstream.continual.engine.Strategy;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateConfig;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.datasets.FashionMnist;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Memory over many runs in one process, the two ways a run can hold its model: as the trainer does (load the base
 * and the previous adapter, run one increment, publish, close the model) and, as the baseline in the same JVM, one
 * model kept open across every increment (the benchmark's way). Prints resident memory and heap after each run.
 *
 * <pre>./mvnw -B -q -pl shared/continual-bench exec:java -Dbench.main=io.clipstream.continual.bench.RunMemory
 * -Dexec.args="20"</pre>
 */
public final class RunMemory {
    private RunMemory() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        System.setProperty("ai.djl.pytorch.num_threads", "1");
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Path work = Files.createTempDirectory("run-memory");
        List<String> classes = FashionMnist.CLASS_NAMES;
        List<Domain> domains = List.of(Domain.values());
        DomainSplits splits = DomainSplits.build(
                FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, 0),
                FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 0),
                domains,
                256,
                64,
                10,
                7);
        Map<String, List<Sample>> anchors = DomainSplits.byId(splits.val());
        Evaluator evaluator = new Evaluator(Captions.captioner(), Captions.classPrompts(classes), true);
        IncrementTrainer trainer = new IncrementTrainer(Captions.captioner(), evaluator, true);
        Path base = work.resolve("base");
        ClipModels.generate(base, BenchModels.spec(new ArrayList<>(Captions.vocabulary(classes)), 7));

        System.out.println(
                "| run | per-run model (trainer): RSS MiB | heap MiB | one open model (baseline): RSS MiB | heap MiB "
                        + "|");
        System.out.println("|---:|---:|---:|---:|---:|");
        long[][] fresh = new long[runs][];
        Path previous = null;
        for (int i = 0; i < runs; i++) {
            try (ClipModel m = ClipModel.load(base)) {
                if (previous != null) {
                    m.loadAdapter(previous);
                }
                try (ContinualLearner l = learner(m, trainer, evaluator, work.resolve("fresh"), i)) {
                    l.resume(List.of(Domain.D0_ORIGINAL.id()), arrived(anchors, i), previous);
                    ContinualLearner.IncrementReport r = l.increment(domain(i), train(splits, i), arrived(anchors, i));
                    if (r.promoted()) {
                        previous = r.versionDir();
                    }
                }
            }
            fresh[i] = sample();
        }
        long[][] kept = new long[runs][];
        try (ClipModel m = ClipModel.load(base);
                ContinualLearner l = learner(m, trainer, evaluator, work.resolve("kept"), 0)) {
            l.resume(List.of(Domain.D0_ORIGINAL.id()), arrived(anchors, 0), null);
            for (int i = 0; i < runs; i++) {
                l.increment(domain(i), train(splits, i), arrived(anchors, i));
                kept[i] = sample();
            }
        }
        for (int i = 0; i < runs; i++) {
            System.out.printf("| %d | %d | %d | %d | %d |%n", i + 1, fresh[i][0], fresh[i][1], kept[i][0], kept[i][1]);
        }
        System.out.printf(
                "%ngrowth from run 2 to run %d: per-run model %+d MiB RSS, %+d MiB heap; one open model %+d MiB RSS, "
                        + "%+d MiB heap%n",
                runs,
                fresh[runs - 1][0] - fresh[1][0],
                fresh[runs - 1][1] - fresh[1][1],
                kept[runs - 1][0] - kept[1][0],
                kept[runs - 1][1] - kept[1][1]);
    }

    private static ContinualLearner learner(
            ClipModel m, IncrementTrainer trainer, Evaluator evaluator, Path versions, int run) {
        TrainConfig cfg = TrainConfig.defaults()
                .withEpochs(1)
                .withBatchSize(32)
                .withSeed(11 + run)
                .withPatience(0);
        // a permissive gate: every run promotes, so every run writes and re-reads a version as the trainer does
        return new ContinualLearner(
                m,
                Strategy.guarded(),
                cfg,
                trainer,
                evaluator,
                new EvaluationGate(new GateConfig(100, 100, 0, List.of("zero_shot"))),
                Domain.D0_ORIGINAL.id(),
                new ReplayBuffer<>(64, new Random(run)),
                11,
                new LocalVersions(versions.resolve(String.valueOf(run)), false, 11));
    }

    /** The anchors of the base domain and of run's domain: what has arrived by then. */
    private static Map<String, List<Sample>> arrived(Map<String, List<Sample>> anchors, int run) {
        return Map.of(
                Domain.D0_ORIGINAL.id(), anchors.get(Domain.D0_ORIGINAL.id()), domain(run), anchors.get(domain(run)));
    }

    private static String domain(int run) {
        return Domain.values()[1 + run % 3].id();
    }

    private static List<Sample> train(DomainSplits splits, int run) {
        return splits.train().get(Domain.values()[1 + run % 3]);
    }

    /** Resident set size (MiB, from /proc) and heap in use after a full GC (MiB). */
    private static long[] sample() throws IOException {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        long rssKb = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rssKb = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return new long[] {rssKb >> 10, heap};
    }
}
