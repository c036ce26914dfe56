package io.clipstream.continual.bench;

import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.precision.Precision;
import io.clipstream.continual.engine.Strategy;
import io.clipstream.continual.gate.GateConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Command-line options of continual-bench. */
public final class BenchOptions {
    public boolean quick;
    public Path dataDir = io.clipstream.datasets.FashionMnist.defaultDir();
    public Path workDir = Path.of("target/continual-bench");
    public Path jsonOut;
    public int trainPerDomain = 3000;
    /**
     * Training pairs of the base domain, on which the base model is trained fully (and whose replay reservoir is
     * drawn): with augmentation off, 24,000 for 4 epochs reached 84.9 % on D0 (seed 42) against 82.3 % for 12,000 x
     * 8, in the same steps, so that 3 seeds of the whole benchmark fit its 20-minute budget.
     */
    public int baseTrain = 24000;
    /** Anchors per domain: 1,000 keep one standard error of a paired difference near a point. */
    public int valPerDomain = 1000;

    public int testPerDomain = 1000;
    public int baseEpochs = 4;
    /**
     * Whether the base training augments its images. Off: the tiny model underfits D0 in the budget, and random
     * resized crops of 28 px images cost it 5 points (82.3 vs 77.1 % on D0, seed 42, 12,000 x 8).
     */
    public boolean baseAugment = false;
    /**
     * Whether the increments augment their images. Off: naive and joint learned a new domain 10-15 points better
     * without (seed 42, validation), and guarded was no worse (38.2 vs 37.5 % validation ACC).
     */
    public boolean augment = false;
    /**
     * The increments' adapter: r=8, alpha=16 on q/k/v/out and fc1/fc2 of both towers. Guarded reached 48.3 %
     * validation ACC with it against 38.2 % with r=4 on q/k/v/out only (the engine's default) and 47.3 % with r=16
     * (seed 42, 2026-12-05): a domain that changes the pixels needs the MLPs, which attention-only adapters cannot
     * reach.
     */
    public LoraConfig lora = LoraConfig.attentionAndMlp(8, 16f);

    public int incrementEpochs = 4;
    public int batchSize = 64;
    public float baseLr = 1e-3f;
    public float lr = 1e-3f;
    public int replayPerDomain = 1000;
    /** The gated strategies' replay share of a batch, distillation weight and WiSE-FT alphas; null = the strategy's. */
    public Double replayShare;

    public Float distillWeight;
    public List<Float> wiseAlphas;
    /** The gate's bounds in points: against the champion, and against each domain's reference. */
    public double gateDrop = GateConfig.paired().maxDropPoints();

    public double gateTotalDrop = GateConfig.paired().maxTotalDropPoints();
    public List<String> strategies =
            new ArrayList<>(List.of(ContinualBench.NO_UPDATE, "naive", "guarded", "joint", "routed"));
    /** The domains in arrival order, the first the base domain: built-in ids or folders (see {@code --domains}). */
    public List<String> domains = new ArrayList<>(io.clipstream.continual.bench.domains.BenchDomains.FASHION);
    /**
     * Runs with seeds seed, seed+1, ...: each its own splits, base model and increments; tables show mean ± 95 %
     * interval.
     */
    public int seeds = 3;

    public boolean dann = false;
    public boolean torchReference = true;
    public String python = "/usr/bin/python3";
    /**
     * Directory with an optimised libblas.so.3 for the PyTorch reference (Debian's python3-torch is built against the
     * generic BLAS interface; with the netlib reference BLAS it is ~7x slower). Default: Debian's OpenBLAS directory
     * when libopenblas0-pthread is installed, else $CLIPSTREAM_TORCH_BLAS_DIR, else the system's libblas.
     */
    public java.nio.file.Path torchBlas = defaultTorchBlas();
    /**
     * Intra-op threads for DJL and the PyTorch reference. Default 1: on the quiet 2-core box the benchmark's training
     * loop ran as fast or faster with 1 thread than with 2 (base training 1783 vs ~1650 samples/s; see README), and
     * with other work on the box two OpenMP threads were tens of times slower (barrier spinning).
     */
    public int threads = 1;
    /** whether --threads was given */
    public boolean threadsGiven;

    public int throughputSteps = 30;
    public long seed = 42;
    /** The increments' arithmetic. */
    public Precision precision = Precision.FP32;
    /** Other than null or fp32: a section trains the first increment in fp32 and in this, and prints both. */
    public Precision comparePrecision;

    public static final String USAGE = """
            continual-bench: domain-incremental CLIP fine-tuning on Fashion-MNIST (D0 original -> D1 inverted -> D2 rotated -> D3 sketch)
              --quick                 small sizes, finishes in ~1-2 min (used by the test)
              --data DIR              Fashion-MNIST IDX dir (default $CLIPSTREAM_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist)
              --work DIR              where the base model (HF layout) and adapters go (default target/continual-bench)
              --json FILE             JSON result (default WORK/result.json)
              --domains a,b,...       the domains in arrival order, the first the base domain (default
                                      original,inverted,rotated,sketch): built-in ids, or folders each holding images
                                      of any size and format and a manifest.csv (columns file, class[, caption]),
                                      e.g. --domains original,/data/my-shop,/data/my-shop-night
              --train N --val N --test N   pairs per domain (a folder gives at most a tenth to val, a fifth to test)
              --base-train N          training pairs of the base domain (default 24000)
              --base-epochs N --epochs N   base (full) training / per-increment LoRA epochs
              --base-augment on|off --augment on|off   image augmentation of the base training / of the increments
                                      (default off / off)
              --lora-rank N --lora-targets attention|attention+mlp   the increments' adapter (default 8,
                                      attention+mlp; alpha = 2 x rank)
              --batch N --lr X --base-lr X
              --replay N              replay reservoir per domain
              --replay-share X --distill X --wise a,b,...   the gated strategies' replay share of a batch (default
                                      0.5), distillation weight (1.0) and WiSE-FT alphas (0.75,0.5,0.25; none = off)
              --gate-drop X --gate-total-drop X   the gate's bound in points against the champion (default 1.0) and
                                      against each domain's reference (2.0)
              --strategies a,b|none   of no-update,naive,guarded,guarded-distill-replay,joint,merge-fresh,routed (none: base +
                                      throughput only); guarded-distill-replay distils on the replayed pairs only; the
                                      guarded ones take -no-<guard> suffixes for an ablation, guard one of replay,
                                      distill,l2,gate,wise (gate off implies wise off), e.g. guarded-no-replay
              --dann                  add the domain-adversarial loss to the guarded strategies
              --no-torch              skip the PyTorch reference
              --python PATH           python with torch (default /usr/bin/python3)
              --torch-blas DIR|system directory holding an optimised libblas.so.3 for the reference (default: Debian's
                                      OpenBLAS dir if libopenblas0-pthread is installed, else $CLIPSTREAM_TORCH_BLAS_DIR)
              --threads N             intra-op threads for DJL and PyTorch
              --seed N                first seed (default 42)
              --seeds N               runs with seeds N, N+1, ... (default 3; --quick 1): mean and 95 % interval
              --precision fp32|fp16-mixed|auto   the increments' arithmetic (default fp32; auto: fp16-mixed on a
                                      GPU); other than fp32 it also trains the first increment in both and prints them
              --compare-precision fp16-mixed   only that comparison, the strategies staying in --precision
            """;

    public static BenchOptions parse(String[] args) {
        BenchOptions o = new BenchOptions();
        for (String a : args) {
            if (a.equals("--quick")) {
                o.applyQuick();
            }
        }
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--quick" -> {}
                case "--data" -> o.dataDir = Path.of(args[++i]);
                case "--work" -> o.workDir = Path.of(args[++i]);
                case "--json" -> o.jsonOut = Path.of(args[++i]);
                case "--train" -> o.trainPerDomain = Integer.parseInt(args[++i]);
                case "--base-train" -> o.baseTrain = Integer.parseInt(args[++i]);
                case "--val" -> o.valPerDomain = Integer.parseInt(args[++i]);
                case "--test" -> o.testPerDomain = Integer.parseInt(args[++i]);
                case "--base-epochs" -> o.baseEpochs = Integer.parseInt(args[++i]);
                case "--epochs" -> o.incrementEpochs = Integer.parseInt(args[++i]);
                case "--base-augment" -> o.baseAugment = onOff(a, args[++i]);
                case "--augment" -> o.augment = onOff(a, args[++i]);
                case "--lora-rank" -> {
                    int r = Integer.parseInt(args[++i]);
                    o.lora = new LoraConfig(r, 2f * r, 0f, o.lora.targetModules(), null, false, null);
                }
                case "--lora-targets" -> {
                    List<String> t = switch (args[++i]) {
                        case "attention" -> LoraConfig.ATTENTION_TARGETS;
                        case "attention+mlp" -> LoraConfig.ATTENTION_AND_MLP_TARGETS;
                        default ->
                            throw new IllegalArgumentException(
                                    "--lora-targets takes attention or attention+mlp, not " + args[i]);
                    };
                    o.lora = new LoraConfig(o.lora.r(), o.lora.alpha(), 0f, t, null, false, null);
                }
                case "--batch" -> o.batchSize = Integer.parseInt(args[++i]);
                case "--lr" -> o.lr = Float.parseFloat(args[++i]);
                case "--base-lr" -> o.baseLr = Float.parseFloat(args[++i]);
                case "--replay" -> o.replayPerDomain = Integer.parseInt(args[++i]);
                case "--replay-share" -> o.replayShare = Double.parseDouble(args[++i]);
                case "--distill" -> o.distillWeight = Float.parseFloat(args[++i]);
                case "--wise" -> {
                    String v = args[++i];
                    o.wiseAlphas = v.equals("none")
                            ? List.of()
                            : java.util.Arrays.stream(v.split(","))
                                    .map(Float::valueOf)
                                    .toList();
                }
                case "--gate-drop" -> o.gateDrop = Double.parseDouble(args[++i]);
                case "--gate-total-drop" -> o.gateTotalDrop = Double.parseDouble(args[++i]);
                case "--strategies" -> {
                    String v = args[++i];
                    o.strategies = v.equals("none") ? new ArrayList<>() : new ArrayList<>(List.of(v.split(",")));
                }
                case "--dann" -> o.dann = true;
                case "--no-torch" -> o.torchReference = false;
                case "--python" -> o.python = args[++i];
                case "--torch-blas" -> {
                    String v = args[++i];
                    o.torchBlas = v.equals("system") ? null : Path.of(v);
                }
                case "--threads" -> {
                    o.threads = Integer.parseInt(args[++i]);
                    o.threadsGiven = true;
                }
                case "--seed" -> o.seed = Long.parseLong(args[++i]);
                case "--precision" -> {
                    o.precision = Precision.parse(
                            args[++i], ai.djl.engine.Engine.getInstance().defaultDevice());
                    if (o.precision != Precision.FP32) {
                        o.comparePrecision = o.precision;
                    }
                }
                case "--compare-precision" ->
                    o.comparePrecision = Precision.parse(
                            args[++i], ai.djl.engine.Engine.getInstance().defaultDevice());
                case "--domains" -> o.domains = new ArrayList<>(List.of(args[++i].split(",")));
                case "--seeds" -> {
                    o.seeds = Integer.parseInt(args[++i]);
                    if (o.seeds < 1) {
                        throw new IllegalArgumentException("--seeds must be at least 1");
                    }
                }
                case "--help", "-h" -> throw new IllegalArgumentException(USAGE);
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        for (String s : o.strategies) {
            if (!s.equals(ContinualBench.NO_UPDATE)) {
                ContinualBench.strategy(s, false);
            } // fail on a bad name before the base training
        }
        if (o.jsonOut == null) {
            o.jsonOut = o.workDir.resolve("result.json");
        }
        return o;
    }

    /** A gated strategy with the guards given on the command line; other strategies as they are. */
    Strategy tune(Strategy s) {
        if (!s.gate()) {
            return s;
        }
        return s.withGuards(
                replayShare == null ? s.replay() : replayShare,
                distillWeight == null ? s.distill() : distillWeight,
                wiseAlphas == null ? s.wiseAlphas() : wiseAlphas);
    }

    /** The benchmark's gate ({@link GateConfig#paired()}) with the bounds given on the command line. */
    GateConfig gate() {
        GateConfig p = GateConfig.paired();
        return new GateConfig(
                gateDrop,
                p.newDomainTolerancePoints(),
                p.minNewDomainValue(),
                p.metrics(),
                p.maxRelativeDrop(),
                p.minNewDomainGainPoints(),
                p.minGainStandardErrors(),
                p.pairedZ(),
                gateTotalDrop);
    }

    private static boolean onOff(String option, String v) {
        return switch (v) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + " takes on or off, not " + v);
        };
    }

    static Path defaultTorchBlas() {
        if (java.nio.file.Files.isReadable(TorchReference.DEBIAN_OPENBLAS.resolve("libblas.so.3"))) {
            return TorchReference.DEBIAN_OPENBLAS;
        }
        String env = System.getenv("CLIPSTREAM_TORCH_BLAS_DIR");
        return env == null || env.isBlank() ? null : Path.of(env);
    }

    void applyQuick() {
        quick = true;
        trainPerDomain = 1000;
        baseTrain = 1000;
        valPerDomain = 100;
        testPerDomain = 200;
        baseEpochs = 15;
        incrementEpochs = 2;
        replayPerDomain = 300;
        strategies = new ArrayList<>(List.of(ContinualBench.NO_UPDATE, "naive", "guarded", "joint"));
        seeds = 1;
        throughputSteps = 5;
    }
}
