package io.clipstream.continual.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tokenize.TokenBatch;
import io.clipstream.continual.bench.domains.Captions;
import io.clipstream.continual.bench.domains.Domain;
import io.clipstream.continual.bench.domains.DomainSplits;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.engine.ContinualLearner;
import io.clipstream.continual.engine.LocalVersions;
import io.clipstream.continual.engine.Strategy;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateConfig;
import io.clipstream.continual.metrics.AccuracyMatrix;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.datasets.FashionMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * continual-bench on shared/clip: generates a tiny CLIP (HF layout, vocabulary from the benchmark's captions), trains
 * it fully on D0 with the engine's trainer, saves it with {@link ClipModel#save}, then for each strategy reloads it
 * with {@link ClipModel#load} and runs the increments D1, D2, D3 with LoRA (naive, guarded, joint upper bound,
 * guarded+merge-fresh). Records the zero-shot accuracy matrix on each domain's held-out test set, ACC / BWT /
 * base-domain accuracy, per-domain R@1 of the final models, and throughput next to a PyTorch reference of the same
 * network. Prints markdown, writes JSON.
 */
public final class ContinualBench {
    private static final int EVAL_BATCH = 256;

    private ContinualBench() {}

    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
            if (!List.of(args).contains("--help") && !List.of(args).contains("-h")) System.exit(2);
            return;
        }
        Map<String, Object> result = run(o);
        System.out.println("JSON result: " + o.jsonOut.toAbsolutePath() + " (" + result.get("total_seconds") + " s)");
    }

    /**
     * The strategy a {@code --strategies} name selects: naive, guarded, guarded-distill-replay, joint,
     * merge-fresh, and for the guarded ones
     * any number of {@code -no-<guard>} suffixes ({@link Strategy.Guard}: replay, distill, l2, gate, wise), e.g.
     * {@code guarded-no-replay}, each switching one guard off for an ablation.
     */
    static Strategy strategy(String name, boolean dann) {
        Strategy s = Strategy.named(name);
        // DANN goes with the gated families, even with their gate switched off
        boolean guarded = Strategy.named(name.split("-no-", -1)[0]).gate();
        return dann && guarded ? s.withDann(0.1f) : s;
    }

    private static ClipModel load(Path dir) throws java.io.IOException {
        ClipModel m = ClipModel.load(dir);
        m.setBatchSize(EVAL_BATCH);
        return m;
    }

    public static Map<String, Object> run(BenchOptions o) throws Exception {
        // read by the PyTorch engine when it starts (a JVM that already started it keeps its setting)
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(o.threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        long start = System.nanoTime();
        Files.createDirectories(o.workDir);
        List<Domain> domains = List.of(Domain.values());
        List<String> ids = domains.stream().map(Domain::id).toList();
        List<String> classes = FashionMnist.CLASS_NAMES;
        System.out.printf("continual-bench%s: %d train / %d val / %d test pairs per domain, batch %d, %d intra-op thread(s)%s%n",
                o.quick ? " --quick" : "", o.trainPerDomain, o.valPerDomain, o.testPerDomain, o.batchSize, o.threads,
                o.threadsGiven ? "" : " (default; --threads N to change)");
        DomainSplits splits = DomainSplits.build(FashionMnist.read(o.dataDir, FashionMnist.Split.TRAIN, 0),
                FashionMnist.read(o.dataDir, FashionMnist.Split.TEST, 0), domains, o.trainPerDomain, o.valPerDomain,
                o.testPerDomain, o.seed);

        Evaluator evaluator = new Evaluator(Captions.captioner(), Captions.classPrompts(classes), true);
        IncrementTrainer trainer = new IncrementTrainer(Captions.captioner(), evaluator, true).log(System.out::println);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("quick", o.quick);
        result.put("domains", ids);
        result.put("threads", o.threads);
        result.put("sizes", Map.of("train_per_domain", o.trainPerDomain, "val_per_domain", o.valPerDomain, "test_per_domain", o.testPerDomain));
        result.put("model", "io.clipstream.clip.ClipModel (HF CLIP layout), generated by GenerateTinyClip");

        // (a) base model: generated (HF layout, vocabulary = the benchmark's caption words), trained fully on D0,
        // saved with ClipModel.save; every strategy reloads it with ClipModel.load
        System.out.println("\n## Base model: full training on " + Domain.D0_ORIGINAL.id());
        Path initDir = o.workDir.resolve("init");
        Path baseDir = o.workDir.resolve("base");
        ClipModels.generate(initDir, BenchModels.spec(new ArrayList<>(Captions.vocabulary(classes)), o.seed));
        IncrementTrainer.Result baseRes;
        try (ClipModel init = load(initDir)) {
            ClipModels.fullTraining(init);
            TrainConfig baseCfg = TrainConfig.defaults().withEpochs(o.baseEpochs).withBatchSize(o.batchSize).withLr(o.baseLr)
                    .withSeed(o.seed).withPatience(0);
            baseRes = trainer.train(init, Map.of(Domain.D0_ORIGINAL.id(), splits.train().get(Domain.D0_ORIGINAL)), null,
                    Map.of(Domain.D0_ORIGINAL.id(), splits.val().get(Domain.D0_ORIGINAL)), null, baseCfg, ids);
            init.save(baseDir);
        }
        double[] baseRow;
        long params;
        try (ClipModel base = load(baseDir)) {
            baseRow = row(evaluator, base, splits.test(), domains);
            params = ClipModels.parameterCount(base);
        }
        System.out.printf("base: %d params, %.0f train samples/s, zero-shot test accuracy %s%n", params,
                baseRes.samplesPerSecond(), fmt(baseRow, ids));
        if (baseRow[0] < 0.5) {
            System.out.printf("WARNING: the base model reaches only %.1f%% on %s (chance 10%%); the comparison below is weak%n",
                    100 * baseRow[0], ids.get(0));
        }
        result.put("base", Map.of("params", params, "dir", baseDir.toString(), "epochs", o.baseEpochs,
                "train_samples_per_s", baseRes.samplesPerSecond(), "test_accuracy", toMap(baseRow, ids)));

        // (b) strategies
        Map<String, Object> strategies = new LinkedHashMap<>();
        StringBuilder summary = new StringBuilder("| strategy | ACC | BWT | base-domain final | gains per increment | gate (D1,D2,D3) | seconds |\n|---|---:|---:|---:|---|---|---:|\n");
        StringBuilder matrices = new StringBuilder();
        StringBuilder retrieval = new StringBuilder("| strategy | " + String.join(" | ", ids.stream().map(i -> i + " i->t / t->i").toList())
                + " |\n|---|" + "---:|".repeat(ids.size()) + "\n");
        long lora = 0;
        for (String sname : o.strategies) {
            Strategy strategy = strategy(sname, o.dann);
            System.out.println("\n## Strategy " + strategy.name());
            long t0 = System.nanoTime();
            TrainConfig incCfg = TrainConfig.defaults().withEpochs(o.incrementEpochs).withBatchSize(o.batchSize).withLr(o.lr).withSeed(o.seed);
            try (ClipModel model = load(baseDir);
                 ContinualLearner learner = new ContinualLearner(model, strategy, incCfg, trainer, evaluator,
                         new EvaluationGate(GateConfig.defaults()), Domain.D0_ORIGINAL.id(),
                         new ReplayBuffer<>(o.replayPerDomain, new Random(o.seed)), o.seed,
                         new LocalVersions(o.workDir.resolve(sname).resolve("versions"), strategy.mergeFresh(), o.seed))
                         .log(System.out::println)) {
                lora = ClipModels.adapterParameterCount(model);
                Map<String, List<Sample>> anchors = DomainSplits.byId(splits.val());
                learner.registerBase(splits.train().get(Domain.D0_ORIGINAL), anchors);
                AccuracyMatrix m = new AccuracyMatrix(ids);
                m.setRow(0, baseRow);
                List<Map<String, Object>> incs = new ArrayList<>();
                List<String> gates = new ArrayList<>();
                for (int i = 1; i < domains.size(); i++) {
                    Domain d = domains.get(i);
                    ContinualLearner.IncrementReport rep = learner.increment(d.id(), splits.train().get(d), anchors);
                    double[] r = row(evaluator, model, splits.test(), domains);
                    m.setRow(i, r);
                    System.out.printf("  after +%s: test accuracy %s%n", d.id(), fmt(r, ids));
                    gates.add(rep.decision().verdict() + (rep.chosen().startsWith("wise") ? "(" + rep.chosen() + ")" : ""));
                    Map<String, Object> inc = new LinkedHashMap<>();
                    inc.put("domain", d.id());
                    inc.put("gate", Map.of("blessed", rep.decision().blessed(), "reasons", rep.decision().reasons(), "checks", rep.decision().checks()));
                    inc.put("promoted", rep.promoted());
                    inc.put("chosen", rep.chosen());
                    inc.put("version_dir", rep.versionDir() == null ? null : rep.versionDir().toString());
                    inc.put("wise_ft_tried", rep.wiseTried());
                    inc.put("candidate_anchor_accuracy", rep.candidateAnchors());
                    inc.put("steps", rep.training().steps());
                    inc.put("train_samples_per_s", rep.training().samplesPerSecond());
                    inc.put("epoch_val_r1", rep.training().epochValR1());
                    inc.put("test_accuracy", toMap(r, ids));
                    incs.add(inc);
                }
                Map<String, Object> finalR1 = new LinkedHashMap<>();
                StringBuilder rline = new StringBuilder("| " + strategy.name() + " |");
                for (Domain d : domains) {
                    Evaluator.DomainMetrics dm = evaluator.evaluate(model, d.id(), splits.test().get(d));
                    finalR1.put(d.id(), Map.of("i2t_r1", dm.i2tR1(), "t2i_r1", dm.t2iR1(), "i2t_r5", dm.i2tR5(), "t2i_r5", dm.t2iR5()));
                    rline.append(String.format(" %.1f / %.1f |", 100 * dm.i2tR1(), 100 * dm.t2iR1()));
                }
                retrieval.append(rline).append('\n');
                double secs = (System.nanoTime() - t0) / 1e9;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("matrix", m.values());
                s.put("acc", m.acc());
                s.put("bwt", m.bwt());
                s.put("base_domain_final", m.get(m.rows() - 1, 0));
                s.put("gains", m.gains());
                s.put("final_retrieval_r1", finalR1);
                s.put("increments", incs);
                s.put("seconds", secs);
                strategies.put(strategy.name(), s);
                matrices.append(m.toMarkdown(strategy.name() + " — zero-shot test accuracy (%)")).append('\n');
                summary.append(String.format("| %s | %.1f | %+.1f | %.1f | %s | %s | %.0f |%n", strategy.name(), 100 * m.acc(), 100 * m.bwt(),
                        100 * m.get(m.rows() - 1, 0), m.gains().stream().map(g -> String.format("%+.1f", 100 * g)).toList(),
                        strategy.gate() ? String.join(", ", gates) : "off", secs));
            }
        }
        result.put("strategies", strategies);

        // (c) throughput, DJL vs PyTorch reference: same config, batch, captions, LoRA setup and thread count
        System.out.println("\n## Throughput");
        Throughput.Numbers djl;
        TokenBatch tokens;
        try (ClipModel model = load(baseDir)) {
            ClipModels.adapterTraining(model, o.seed);
            lora = ClipModels.adapterParameterCount(model);
            Random rnd = new Random(o.seed);
            List<String> caps = new ArrayList<>();
            for (int i = 0; i < o.batchSize; i++) {
                caps.add(Captions.random(rnd, classes.get(i % classes.size()), domains.get(i % domains.size())));
            }
            tokens = model.tokenize(caps);
            djl = Throughput.measure(model, caps, o.batchSize, o.throughputSteps, EVAL_BATCH);
        }
        Map<String, Object> tp = new LinkedHashMap<>();
        tp.put("params", params);
        tp.put("lora_params", lora);
        tp.put("batch", o.batchSize);
        tp.put("threads", o.threads);
        tp.put("djl_train_samples_per_s", djl.trainSamplesPerSec());
        tp.put("djl_embed_images_per_s", djl.embedImagesPerSec());
        String torchLine = "| PyTorch (reference) | not run | not run | |";
        if (o.torchReference) {
            try {
                JsonNode t = TorchReference.run(o.python, o.workDir, baseDir, ClipModels.LORA_RANK, ClipModels.LORA_ALPHA, tokens,
                        o.throughputSteps, EVAL_BATCH, o.threads, o.torchBlas);
                double tt = t.get("train_samples_per_s").asDouble();
                double te = t.get("embed_images_per_s").asDouble();
                tp.put("torch", new ObjectMapper().convertValue(t, Map.class));
                tp.put("ratio_train_djl_over_torch", djl.trainSamplesPerSec() / tt);
                tp.put("ratio_embed_djl_over_torch", djl.embedImagesPerSec() / te);
                String blas = t.get("blas").toString();
                torchLine = String.format("| PyTorch %s (python, reference; BLAS %s) | %.0f | %.0f | %d threads |", t.get("torch_version").asText(),
                        blas.contains("openblas") ? "OpenBLAS" : blas, tt, te, t.get("threads").asInt());
                if (!blas.contains("openblas") && !blas.contains("mkl")) {
                    torchLine += "\n| (note) | the reference ran on the system's libblas (netlib reference BLAS unless an optimised alternative is installed): "
                            + "pass --torch-blas DIR or apt-get install libopenblas0-pthread for a fair comparison | | |";
                }
                torchLine += String.format("%n| ratio DJL / PyTorch | %.2fx | %.2fx | |", djl.trainSamplesPerSec() / tt, djl.embedImagesPerSec() / te);
                if (t.get("params").asLong() != params || t.get("lora_params").asLong() != lora) {
                    System.out.printf("WARNING: reference size differs: %d params / %d LoRA vs %d / %d%n",
                            t.get("params").asLong(), t.get("lora_params").asLong(), params, lora);
                }
            } catch (Exception e) {
                tp.put("torch_error", e.getMessage());
                torchLine = "| PyTorch (reference) | failed: " + e.getMessage().lines().findFirst().orElse("") + " | | |";
            }
        }
        result.put("throughput", tp);

        double total = (System.nanoTime() - start) / 1e9;
        result.put("total_seconds", Math.round(total));
        System.out.println("\n# continual-bench results" + (o.quick ? " (--quick)" : ""));
        System.out.printf("%nBase (full training on %s, %d epochs): zero-shot test accuracy %s%n%n", ids.get(0), o.baseEpochs, fmt(baseRow, ids));
        System.out.println(summary);
        System.out.println(matrices);
        System.out.println("Final models — class-aware R@1 on each domain's test set (%), image->text / text->image\n");
        System.out.println(retrieval);
        System.out.printf("**Throughput** (model %d params, LoRA r=%d alpha=%.0f on q/k/v/out of both towers: %d params + logit scale; batch %d; %d intra-op thread(s))%n%n",
                params, ClipModels.LORA_RANK, ClipModels.LORA_ALPHA, lora, o.batchSize, o.threads);
        System.out.println("| engine | LoRA train samples/s | embed images/s (batch " + EVAL_BATCH + ") | |\n|---|---:|---:|---|");
        System.out.printf("| DJL %s + PyTorch %s | %.0f | %.0f | %d threads |%n", ai.djl.engine.Engine.getDjlVersion(),
                ai.djl.engine.Engine.getInstance().getVersion(), djl.trainSamplesPerSec(), djl.embedImagesPerSec(), o.threads);
        System.out.println(torchLine);
        System.out.printf("%nTotal %.0f s (%d intra-op thread(s))%n", total, o.threads);
        Files.createDirectories(o.jsonOut.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.jsonOut.toFile(), result);
        return result;
    }

    private static double[] row(Evaluator ev, ClipModel model, Map<Domain, List<Sample>> sets, List<Domain> domains) {
        double[] r = new double[domains.size()];
        for (int j = 0; j < domains.size(); j++) r[j] = ev.zeroShotAccuracy(model, domains.get(j).id(), sets.get(domains.get(j)));
        return r;
    }

    private static Map<String, Double> toMap(double[] r, List<String> ids) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < r.length; i++) m.put(ids.get(i), r[i]);
        return m;
    }

    private static String fmt(double[] r, List<String> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.length; i++) sb.append(String.format("%s %.1f  ", ids.get(i), 100 * r[i]));
        return sb.toString().trim();
    }
}
