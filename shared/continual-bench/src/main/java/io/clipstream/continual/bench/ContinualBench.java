package io.clipstream.continual.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.clip.precision.Precision;
import io.clipstream.clip.tokenize.TokenBatch;
import io.clipstream.continual.bench.domains.BenchDomains;
import io.clipstream.continual.bench.domains.Captions;
import io.clipstream.continual.bench.domains.Domain;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.engine.ContinualLearner;
import io.clipstream.continual.engine.LocalVersions;
import io.clipstream.continual.engine.Strategy;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.metrics.AccuracyMatrix;
import io.clipstream.continual.metrics.SeedInterval;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.routing.RoutedEmbedder;
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
    /** The generated model's image size ({@link BenchModels#spec}); folder images are scaled to it on reading. */
    private static final int BENCH_IMAGE_SIZE = 28;

    private ContinualBench() {}

    public static void main(String[] args) throws Exception {
        BenchOptions o;
        try {
            o = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.out.println(e.getMessage());
            if (!List.of(args).contains("--help") && !List.of(args).contains("-h")) {
                System.exit(2);
            }
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

    /** The pseudo-strategy that never trains further: the base model's row at every step, the floor of the table. */
    static final String NO_UPDATE = "no-update";

    /** One strategy's run under one seed. */
    /**
     * @param valAccuracy the final model's zero-shot accuracy on every domain's validation set: what defaults are
     * chosen on
     */
    private record StrategyRun(
            AccuracyMatrix matrix,
            List<String> gates,
            List<Map<String, Object>> increments,
            Map<String, Object> finalR1,
            String retrievalLine,
            double[] valAccuracy,
            double seconds) {}

    /** One seed: its base model and every strategy's run from it. */
    private record SeedRun(
            long seed,
            Path baseDir,
            double[] baseRow,
            long params,
            double baseSamplesPerSecond,
            Map<String, StrategyRun> strategies) {}

    public static Map<String, Object> run(BenchOptions o) throws Exception {
        // read by the PyTorch engine when it starts (a JVM that already started it keeps its setting)
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(o.threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        long start = System.nanoTime();
        Files.createDirectories(o.workDir);
        BenchDomains.FashionFiles fashion = new BenchDomains.FashionFiles(o.dataDir);
        BenchDomains dom = BenchDomains.build(
                o.domains,
                fashion,
                o.baseTrain,
                o.trainPerDomain,
                o.valPerDomain,
                o.testPerDomain,
                o.seed,
                BENCH_IMAGE_SIZE);
        List<String> ids = dom.ids();
        System.out.printf(
                "continual-bench%s: domains %s (base %s), %d train / %d val / %d test pairs per domain at most, batch "
                        + "%d, %d seed(s), %d intra-op thread(s)%s%n",
                o.quick ? " --quick" : "",
                ids,
                dom.baseDomain(),
                o.trainPerDomain,
                o.valPerDomain,
                o.testPerDomain,
                o.batchSize,
                o.seeds,
                o.threads,
                o.threadsGiven ? "" : " (default; --threads N to change)");
        if (o.precision != Precision.FP32) {
            System.out.println("increments train in " + o.precision + " (the base model in fp32)");
        }
        Strategy guards = o.tune(Strategy.guarded());
        System.out.printf(
                "gated strategies: replay share %.2f, distillation %.2f, WiSE-FT alphas %s; gate bound %.1f points "
                        + "against the champion, %.1f against the reference%n",
                guards.replay(), guards.distill(), guards.wiseAlphas(), o.gateDrop, o.gateTotalDrop);
        Evaluator evaluator = new Evaluator(dom.captioner(), dom.prompts(), true);
        IncrementTrainer trainer = new IncrementTrainer(dom.captioner(), evaluator, true)
                .augmentations(dom.augmentations())
                .log(System.out::println);
        // the base model trains fully in fp32; the increments in the precision asked for
        IncrementTrainer baseTrainer = new IncrementTrainer(dom.captioner(), evaluator, true)
                .augmentations(dom.augmentations())
                .log(System.out::println);
        trainer.precision(o.precision);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("quick", o.quick);
        result.put("increment_precision", o.precision.label());
        result.put("domains", ids);
        result.put("threads", o.threads);
        result.put(
                "sizes",
                Map.of(
                        "base_train",
                        o.baseTrain,
                        "train_per_domain",
                        o.trainPerDomain,
                        "val_per_domain",
                        o.valPerDomain,
                        "test_per_domain",
                        o.testPerDomain));
        result.put(
                "set_sizes",
                Map.of("train", counts(dom.train()), "val", counts(dom.val()), "test", counts(dom.test())));
        result.put("model", "io.clipstream.clip.ClipModel (HF CLIP layout), generated by GenerateTinyClip");

        List<SeedRun> runs = new ArrayList<>();
        for (int k = 0; k < o.seeds; k++) {
            long seed = o.seed + k;
            // the first seed keeps the documented layout (WORK/base, WORK/<strategy>); further seeds go to
            // WORK/seed-<n>
            Path work = k == 0 ? o.workDir : o.workDir.resolve("seed-" + seed);
            BenchDomains sets = k == 0
                    ? dom
                    : BenchDomains.build(
                            o.domains,
                            fashion,
                            o.baseTrain,
                            o.trainPerDomain,
                            o.valPerDomain,
                            o.testPerDomain,
                            seed,
                            BENCH_IMAGE_SIZE);
            runs.add(runSeed(o, seed, work, sets, evaluator, baseTrainer, trainer));
        }
        SeedRun first = runs.get(0);
        String precisionTable = "";
        if (o.comparePrecision != null && o.comparePrecision != Precision.FP32 && ids.size() > 1) {
            String d1 = ids.get(1);
            System.out.println(
                    "\n## Precision: fp32 against " + o.comparePrecision + " on the first increment (" + d1 + ")");
            List<PrecisionComparison.Row> rows = PrecisionComparison.run(
                    List.of(Precision.FP32, o.comparePrecision),
                    first.baseDir(),
                    o.lora,
                    baseTrainer,
                    evaluator,
                    d1,
                    dom.train().get(d1),
                    dom.val().get(d1),
                    dom.test().get(d1),
                    incrementConfig(o, o.seed),
                    ids);
            result.put("precision", PrecisionComparison.json(rows));
            precisionTable = PrecisionComparison.table(
                    String.format(
                            "**Precision** — the first increment (%s, LoRA, %d epochs, batch %d, seed %d) "
                                    + "in each precision, from the same base",
                            d1, o.incrementEpochs, o.batchSize, o.seed),
                    rows);
        }
        double[][] baseRows = runs.stream().map(SeedRun::baseRow).toArray(double[][]::new);
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("params", first.params());
        base.put("dir", first.baseDir().toString());
        base.put("epochs", o.baseEpochs);
        base.put("train_samples_per_s", first.baseSamplesPerSecond());
        base.put("test_accuracy", toMap(meanRow(baseRows), ids));
        base.put(
                "per_seed_test_accuracy",
                runs.stream().map(r -> toMap(r.baseRow(), ids)).toList());
        result.put("base", base);

        Map<String, Object> strategies = new LinkedHashMap<>();
        StringBuilder summary = new StringBuilder(
                "| strategy | ACC | BWT | forgetting | base-domain final | gains per increment | validation ACC | "
                        + "gate (D1,D2,D3) | seconds |\n"
                        + "|---|---:|---:|---:|---:|---|---:|---|---:|\n");
        StringBuilder matrices = new StringBuilder();
        StringBuilder retrieval = new StringBuilder("| strategy | "
                + String.join(" | ", ids.stream().map(i -> i + " i->t / t->i").toList()) + " |\n|---|"
                + "---:|".repeat(ids.size()) + "\n");
        Map<String, Map<String, SeedInterval>> intervals = new LinkedHashMap<>();
        for (String name : first.strategies().keySet()) {
            List<StrategyRun> perSeed =
                    runs.stream().map(r -> r.strategies().get(name)).toList();
            StrategyRun one = perSeed.get(0);
            Map<String, SeedInterval> iv = new LinkedHashMap<>();
            iv.put("acc", interval(perSeed, AccuracyMatrix::acc));
            iv.put("bwt", interval(perSeed, AccuracyMatrix::bwt));
            iv.put("forgetting", interval(perSeed, AccuracyMatrix::forgetting));
            iv.put("base_domain_final", interval(perSeed, m -> m.get(m.rows() - 1, 0)));
            iv.put(
                    "val_acc",
                    SeedInterval.of(perSeed.stream()
                            .mapToDouble(r -> java.util.Arrays.stream(r.valAccuracy())
                                    .average()
                                    .orElseThrow())
                            .toArray()));
            for (int i = 1; i < ids.size(); i++) {
                int inc = i;
                iv.put("gain_" + ids.get(i), interval(perSeed, m -> m.gain(inc)));
            }
            intervals.put(name, iv);
            AccuracyMatrix mean = new AccuracyMatrix(ids);
            for (int i = 0; i < ids.size(); i++) {
                int row = i;
                mean.setRow(
                        i,
                        meanRow(perSeed.stream()
                                .map(r -> r.matrix().values()[row])
                                .toArray(double[][]::new)));
            }
            double secs =
                    perSeed.stream().mapToDouble(StrategyRun::seconds).average().orElseThrow();
            Map<String, Object> js = new LinkedHashMap<>();
            js.put("matrix", mean.values());
            js.put("acc", mean.acc());
            js.put("bwt", mean.bwt());
            js.put("forgetting", mean.forgetting());
            js.put("base_domain_final", mean.get(mean.rows() - 1, 0));
            js.put("gains", mean.gains());
            Map<String, Object> ivJson = new LinkedHashMap<>();
            iv.forEach((k, v) -> ivJson.put(
                    k,
                    Map.of(
                            "mean",
                            v.mean(),
                            "half_width_95",
                            Double.isNaN(v.halfWidth()) ? "n/a" : v.halfWidth(),
                            "seeds",
                            v.n())));
            js.put("intervals", ivJson);
            List<Map<String, Object>> seedsJson = new ArrayList<>();
            for (int k = 0; k < runs.size(); k++) {
                AccuracyMatrix m = perSeed.get(k).matrix();
                seedsJson.add(Map.of(
                        "seed",
                        runs.get(k).seed(),
                        "matrix",
                        m.values(),
                        "acc",
                        m.acc(),
                        "bwt",
                        m.bwt(),
                        "forgetting",
                        m.forgetting(),
                        "gains",
                        m.gains(),
                        "gate",
                        perSeed.get(k).gates(),
                        "final_val_accuracy",
                        toMap(perSeed.get(k).valAccuracy(), ids)));
            }
            js.put("per_seed", seedsJson);
            js.put("final_retrieval_r1", one.finalR1());
            js.put("increments", one.increments());
            js.put("seconds", secs);
            strategies.put(name, js);
            matrices.append(mean.toMarkdown(name + " — zero-shot test accuracy (%)"
                            + (runs.size() > 1 ? ", mean of " + runs.size() + " seeds" : "")))
                    .append('\n');
            List<String> gains = new ArrayList<>();
            for (int i = 1; i < ids.size(); i++) {
                gains.add(iv.get("gain_" + ids.get(i)).formatSigned(100));
            }
            String gates = NO_UPDATE.equals(name) || !isGated(name, o.dann)
                    ? "off"
                    : String.join(
                            "; ",
                            perSeed.stream()
                                    .map(r -> String.join(", ", r.gates()))
                                    .toList());
            summary.append(String.format(
                    "| %s | %s | %s | %s | %s | %s | %s | %s | %.0f |%n",
                    name,
                    iv.get("acc").format(100),
                    iv.get("bwt").formatSigned(100),
                    iv.get("forgetting").format(100),
                    iv.get("base_domain_final").format(100),
                    String.join(", ", gains),
                    iv.get("val_acc").format(100),
                    gates,
                    secs));
            retrieval.append(one.retrievalLine()).append('\n');
        }
        result.put("strategies", strategies);
        result.put("seeds", runs.stream().map(SeedRun::seed).toList());
        String goals = goals(intervals, ids);

        // (c) throughput, DJL vs PyTorch reference: same config, batch, captions, LoRA setup and thread count
        System.out.println("\n## Throughput");
        Throughput.Numbers djl;
        TokenBatch tokens;
        long lora = 0;
        long params = first.params();
        Path baseDir = first.baseDir();
        try (ClipModel model = load(baseDir)) {
            ClipModels.adapterTraining(model, o.seed, o.lora);
            lora = ClipModels.adapterParameterCount(model);
            Random rnd = new Random(o.seed);
            List<String> classes = FashionMnist.CLASS_NAMES;
            List<Domain> domains = List.of(Domain.values());
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
                JsonNode t = TorchReference.run(
                        o.python,
                        o.workDir,
                        baseDir,
                        o.lora,
                        tokens,
                        o.throughputSteps,
                        EVAL_BATCH,
                        o.threads,
                        o.torchBlas);
                double tt = t.get("train_samples_per_s").asDouble();
                double te = t.get("embed_images_per_s").asDouble();
                tp.put("torch", new ObjectMapper().convertValue(t, Map.class));
                tp.put("ratio_train_djl_over_torch", djl.trainSamplesPerSec() / tt);
                tp.put("ratio_embed_djl_over_torch", djl.embedImagesPerSec() / te);
                String blas = t.get("blas").toString();
                torchLine = String.format(
                        "| PyTorch %s (python, reference; BLAS %s) | %.0f | %.0f | %d threads |",
                        t.get("torch_version").asText(),
                        blas.contains("openblas") ? "OpenBLAS" : blas,
                        tt,
                        te,
                        t.get("threads").asInt());
                if (!blas.contains("openblas") && !blas.contains("mkl")) {
                    torchLine +=
                            "\n| (note) | the reference ran on the system's libblas (netlib reference BLAS unless an "
                                    + "optimised alternative is installed): "
                                    + "pass --torch-blas DIR or apt-get install libopenblas0-pthread for a fair "
                                    + "comparison | | |";
                }
                torchLine += String.format(
                        "%n| ratio DJL / PyTorch | %.2fx | %.2fx | |",
                        djl.trainSamplesPerSec() / tt, djl.embedImagesPerSec() / te);
                if (t.get("params").asLong() != params || t.get("lora_params").asLong() != lora) {
                    System.out.printf(
                            "WARNING: reference size differs: %d params / %d LoRA vs %d / %d%n",
                            t.get("params").asLong(), t.get("lora_params").asLong(), params, lora);
                }
            } catch (Exception e) {
                tp.put("torch_error", e.getMessage());
                torchLine = "| PyTorch (reference) | failed: "
                        + e.getMessage().lines().findFirst().orElse("") + " | | |";
            }
        }
        result.put("throughput", tp);

        double total = (System.nanoTime() - start) / 1e9;
        result.put("total_seconds", Math.round(total));
        System.out.println("\n# continual-bench results" + (o.quick ? " (--quick)" : ""));
        System.out.printf(
                "%nBase (full training on %s, %d epochs): zero-shot test accuracy %s%s%n%n",
                ids.get(0),
                o.baseEpochs,
                fmt(meanRow(baseRows), ids),
                runs.size() > 1 ? " (mean of " + runs.size() + " seeds)" : "");
        System.out.println(
                runs.size() > 1
                        ? "Mean ± half-width of the 95 % interval (Student's t) over seeds "
                                + runs.stream().map(SeedRun::seed).toList() + "; in points.\n"
                        : "One seed: no interval (--seeds N for one).\n");
        System.out.println(summary);
        System.out.println(goals);
        System.out.println(matrices);
        System.out.println("Final models — class-aware R@1 on each domain's test set (%), image->text / text->image\n");
        System.out.println(retrieval);
        System.out.printf(
                "**Throughput** (model %d params, LoRA r=%d alpha=%.0f on %s of both towers: %d params + logit scale; "
                        + "batch %d; %d intra-op thread(s))%n%n",
                params,
                o.lora.r(),
                o.lora.alpha(),
                String.join("/", o.lora.targetModules()),
                lora,
                o.batchSize,
                o.threads);
        System.out.println(
                "| engine | LoRA train samples/s | embed images/s (batch " + EVAL_BATCH + ") | |\n|---|---:|---:|---|");
        System.out.printf(
                "| DJL %s + PyTorch %s | %.0f | %.0f | %d threads |%n",
                ai.djl.engine.Engine.getDjlVersion(),
                ai.djl.engine.Engine.getInstance().getVersion(),
                djl.trainSamplesPerSec(),
                djl.embedImagesPerSec(),
                o.threads);
        System.out.println(torchLine);
        if (!precisionTable.isEmpty()) {
            System.out.println("\n" + precisionTable);
        }
        System.out.printf("%nTotal %.0f s (%d intra-op thread(s))%n", total, o.threads);
        Files.createDirectories(o.jsonOut.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(o.jsonOut.toFile(), result);
        return result;
    }

    /**
     * One seed: generate the tiny CLIP, train it fully on D0, save it, then run every strategy from a reload of it.
     * Decisions see only what has arrived: the anchors (validation sets) of D0..Di at increment i; the test sets
     * are sealed, so the learner refuses them if they are ever handed to it.
     */
    private static SeedRun runSeed(
            BenchOptions o,
            long seed,
            Path work,
            BenchDomains dom,
            Evaluator evaluator,
            IncrementTrainer baseTrainer,
            IncrementTrainer trainer)
            throws Exception {
        List<String> ids = dom.ids();
        String base0 = dom.baseDomain();
        System.out.println("\n## Seed " + seed + ": base model, full training on " + base0);
        Path initDir = work.resolve("init");
        Path baseDir = work.resolve("base");
        ClipModels.generate(initDir, BenchModels.spec(new ArrayList<>(dom.vocabulary()), seed));
        IncrementTrainer.Result baseRes;
        try (ClipModel init = load(initDir)) {
            ClipModels.fullTraining(init);
            TrainConfig baseCfg = TrainConfig.defaults()
                    .withEpochs(o.baseEpochs)
                    .withBatchSize(o.batchSize)
                    .withLr(o.baseLr)
                    .withSeed(seed)
                    .withPatience(0)
                    .withAugment(o.baseAugment);
            baseRes = baseTrainer.train(
                    init,
                    Map.of(base0, dom.train().get(base0)),
                    null,
                    Map.of(base0, dom.val().get(base0)),
                    null,
                    baseCfg,
                    ids);
            init.save(baseDir);
        }
        double[] baseRow;
        long params;
        try (ClipModel base = load(baseDir)) {
            baseRow = row(evaluator, base, dom.test(), ids);
            params = ClipModels.parameterCount(base);
        }
        System.out.printf(
                "base: %d params, %.0f train samples/s, zero-shot test accuracy %s%n",
                params, baseRes.samplesPerSecond(), fmt(baseRow, ids));
        if (baseRow[0] < 0.5) {
            System.out.printf(
                    "WARNING: the base model reaches only %.1f%% on %s (chance 10%%); the comparison below is weak%n",
                    100 * baseRow[0], ids.get(0));
        }
        List<Sample> sealed = dom.test().values().stream().flatMap(List::stream).toList();
        Map<String, StrategyRun> out = new LinkedHashMap<>();
        for (String sname : o.strategies) {
            long t0 = System.nanoTime();
            AccuracyMatrix m = new AccuracyMatrix(ids);
            m.setRow(0, baseRow);
            if (NO_UPDATE.equals(sname)) {
                for (int i = 1; i < ids.size(); i++) {
                    m.setRow(i, baseRow);
                }
                try (ClipModel model = load(baseDir)) {
                    out.put(NO_UPDATE, finish(m, List.of(), List.of(), evaluator, model, dom, NO_UPDATE, t0));
                }
                continue;
            }
            Strategy strategy = o.tune(strategy(sname, o.dann));
            System.out.println("\n## Seed " + seed + ", strategy " + strategy.name());
            TrainConfig incCfg = incrementConfig(o, seed);
            if (strategy.joint()) {
                incCfg = incCfg.withMaxSteps(
                        guardedSteps(o, dom.train().get(ids.get(1)).size()));
            }
            try (ClipModel model = load(baseDir);
                    ContinualLearner learner = new ContinualLearner(
                                    model,
                                    strategy,
                                    incCfg,
                                    trainer,
                                    evaluator,
                                    new EvaluationGate(o.gate()),
                                    base0,
                                    new ReplayBuffer<>(o.replayPerDomain, new Random(seed)),
                                    seed,
                                    new LocalVersions(
                                            work.resolve(sname).resolve("versions"), strategy.mergeFresh(), seed),
                                    o.lora)
                            .log(System.out::println)) {
                learner.sealTestSet(sealed);
                Map<String, List<Sample>> arrived = new LinkedHashMap<>();
                arrived.put(base0, dom.val().get(base0));
                learner.registerBase(dom.train().get(base0), arrived);
                List<Map<String, Object>> incs = new ArrayList<>();
                List<String> gates = new ArrayList<>();
                for (int i = 1; i < ids.size(); i++) {
                    String d = ids.get(i);
                    arrived.put(d, dom.val().get(d));
                    ContinualLearner.IncrementReport rep =
                            learner.increment(d, dom.train().get(d), Map.copyOf(arrived));
                    double[] r = row(evaluator, learner.embedder(), dom.test(), ids);
                    m.setRow(i, r);
                    System.out.printf("  after +%s: test accuracy %s%n", d, fmt(r, ids));
                    gates.add(rep.decision().verdict()
                            + (rep.chosen().startsWith("wise") ? "(" + rep.chosen() + ")" : ""));
                    Map<String, Object> inc = new LinkedHashMap<>();
                    inc.put("domain", d);
                    inc.put(
                            "gate",
                            Map.of(
                                    "blessed",
                                    rep.decision().blessed(),
                                    "reasons",
                                    rep.decision().reasons(),
                                    "checks",
                                    rep.decision().checks()));
                    inc.put("promoted", rep.promoted());
                    inc.put("chosen", rep.chosen());
                    inc.put(
                            "version_dir",
                            rep.versionDir() == null ? null : rep.versionDir().toString());
                    inc.put("wise_ft_tried", rep.wiseTried());
                    inc.put("candidate_anchor_accuracy", rep.candidateAnchors());
                    inc.put("steps", rep.training().steps());
                    inc.put("train_samples_per_s", rep.training().samplesPerSecond());
                    inc.put("epoch_val_r1", rep.training().epochValR1());
                    inc.put("test_accuracy", toMap(r, ids));
                    incs.add(inc);
                }
                if (strategy.routed()) {
                    routingAccuracy(learner, dom);
                }
                out.put(
                        strategy.name(),
                        finish(
                                m,
                                strategy.gate() ? gates : List.of(),
                                incs,
                                evaluator,
                                learner.embedder(),
                                dom,
                                strategy.name(),
                                t0));
            }
        }
        return new SeedRun(seed, baseDir, baseRow, params, baseRes.samplesPerSecond(), out);
    }

    private static TrainConfig incrementConfig(BenchOptions o, long seed) {
        return TrainConfig.defaults()
                .withEpochs(o.incrementEpochs)
                .withBatchSize(o.batchSize)
                .withLr(o.lr)
                .withSeed(seed)
                .withAugment(o.augment);
    }

    /** How many of each domain's test images the final router sends to that domain's adapter. */
    private static void routingAccuracy(ContinualLearner learner, BenchDomains dom) {
        if (!(learner.embedder() instanceof RoutedEmbedder routed)) {
            return;
        }
        System.out.println("  routed to their own domain's adapter (test images): "
                + RoutedEmbedder.percentages(routed.shareRoutedToOwnAdapter(dom.test())));
    }

    /** The final model's retrieval on every test set, and the run's record. */
    private static StrategyRun finish(
            AccuracyMatrix m,
            List<String> gates,
            List<Map<String, Object>> incs,
            Evaluator evaluator,
            ImageTextEmbedder model,
            BenchDomains dom,
            String name,
            long t0) {
        Map<String, Object> finalR1 = new LinkedHashMap<>();
        StringBuilder rline = new StringBuilder("| " + name + " |");
        for (String d : dom.ids()) {
            Evaluator.DomainMetrics dm = evaluator.evaluate(model, d, dom.test().get(d));
            finalR1.put(
                    d, Map.of("i2t_r1", dm.i2tR1(), "t2i_r1", dm.t2iR1(), "i2t_r5", dm.i2tR5(), "t2i_r5", dm.t2iR5()));
            rline.append(String.format(" %.1f / %.1f |", 100 * dm.i2tR1(), 100 * dm.t2iR1()));
        }
        return new StrategyRun(
                m,
                gates,
                incs,
                finalR1,
                rline.toString(),
                row(evaluator, model, dom.val(), dom.ids()),
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The upper bound's budget: as many steps as a guarded increment takes (its new pairs fill the part of each batch
     * that replay leaves), so that joint training is better for seeing every domain, not for training longer.
     */
    static int guardedSteps(BenchOptions o, int newPairs) {
        int fresh = Math.max(
                1, o.batchSize - (int) Math.round(o.tune(Strategy.guarded()).replay() * o.batchSize));
        return o.incrementEpochs * (int) Math.ceil(newPairs / (double) fresh);
    }

    private static boolean isGated(String name, boolean dann) {
        return strategy(name.replace("+dann", ""), dann).gate();
    }

    private static SeedInterval interval(
            List<StrategyRun> runs, java.util.function.ToDoubleFunction<AccuracyMatrix> f) {
        return SeedInterval.of(
                runs.stream().mapToDouble(r -> f.applyAsDouble(r.matrix())).toArray());
    }

    private static double[] meanRow(double[][] rows) {
        double[] mean = new double[rows[0].length];
        for (double[] r : rows) {
            for (int j = 0; j < mean.length; j++) {
                mean[j] += r[j] / rows.length;
            }
        }
        return mean;
    }

    /**
     * The goals for the guarded strategy, and for routed experts, on the seeds' means: ACC within 2 points of
     * the joint upper bound, BWT at least -1 point, each increment's gain at least half of naive's. Printed met or
     * not, never tuned for.
     */
    private static String goals(Map<String, Map<String, SeedInterval>> iv, List<String> ids) {
        StringBuilder sb = new StringBuilder();
        for (String name : List.of("guarded", "routed")) {
            if (iv.containsKey(name)) {
                sb.append(goals(name, iv, ids)).append('\n');
            }
        }
        return sb.toString();
    }

    private static String goals(String name, Map<String, Map<String, SeedInterval>> iv, List<String> ids) {
        Map<String, SeedInterval> g = iv.get(name);
        StringBuilder sb =
                new StringBuilder("| goal (" + name + ", means over seeds) | measured | met |\n|---|---|---|\n");
        if (iv.containsKey("joint")) {
            double gap = 100 * (iv.get("joint").get("acc").mean() - g.get("acc").mean());
            sb.append(
                    gap <= 0
                            ? String.format("| ACC within 2 points of joint | %.1f points above | yes |%n", -gap)
                            : String.format(
                                    "| ACC within 2 points of joint | %.1f points below | %s |%n",
                                    gap, gap <= 2 ? "yes" : "no"));
        }
        double bwt = 100 * g.get("bwt").mean();
        sb.append(String.format("| BWT >= -1 point | %+.1f | %s |%n", bwt, bwt >= -1 ? "yes" : "no"));
        if (iv.containsKey("naive")) {
            for (int i = 1; i < ids.size(); i++) {
                double mine = 100 * g.get("gain_" + ids.get(i)).mean();
                double naive = 100 * iv.get("naive").get("gain_" + ids.get(i)).mean();
                sb.append(String.format(
                        "| gain on %s >= half of naive's (%.1f) | %+.1f | %s |%n",
                        ids.get(i), naive / 2, mine, mine >= naive / 2 ? "yes" : "no"));
            }
        }
        return sb.toString();
    }

    private static double[] row(
            Evaluator ev, ImageTextEmbedder model, Map<String, List<Sample>> sets, List<String> ids) {
        double[] r = new double[ids.size()];
        for (int j = 0; j < ids.size(); j++) {
            r[j] = ev.zeroShotAccuracy(model, ids.get(j), sets.get(ids.get(j)));
        }
        return r;
    }

    private static Map<String, Integer> counts(Map<String, List<Sample>> sets) {
        Map<String, Integer> out = new LinkedHashMap<>();
        sets.forEach((d, s) -> out.put(d, s.size()));
        return out;
    }

    private static Map<String, Double> toMap(double[] r, List<String> ids) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < r.length; i++) {
            m.put(ids.get(i), r[i]);
        }
        return m;
    }

    private static String fmt(double[] r, List<String> ids) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
            sb.append(String.format("%s %.1f  ", ids.get(i), 100 * r[i]));
        }
        return sb.toString().trim();
    }
}
