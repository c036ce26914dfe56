package io.clipstream.continual.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraAdapters;
import io.clipstream.continual.data.Domain;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateDecision;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs increments on a {@link ClipModel} with a {@link Strategy}: train the LoRA adapter (with the strategy's
 * guards), evaluate on the anchor (validation) sets, gate against the last promoted model, try WiSE-FT
 * interpolations before rejecting, then promote or roll back. Every promoted version is published as a PEFT
 * adapter directory ({@code versions/<n>-<domain>/}: adapter_config.json, adapter_model.safetensors, metrics.json,
 * MANIFEST.json written last); with merge-fresh also as a merged HF checkpoint. The distillation teacher of the next
 * increment is rebuilt from those files ({@link ClipModels#loadFrozen}), i.e. from what was actually published.
 */
public final class ContinualLearner implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ClipModel model;
    private final Strategy strategy;
    private final TrainConfig baseConfig;
    private final IncrementTrainer trainer;
    private final Evaluator evaluator;
    private final EvaluationGate gate;
    private final Domain baseDomain;
    private final List<Domain> allDomains;
    private final ReplayBuffer<Domain, Sample> replay;
    private final NDManager state;
    private final Map<String, NDArray> initialAdapter;
    private final Path versionsDir;
    private final long seed;
    private final List<Domain> learned = new ArrayList<>();
    private final Map<Domain, List<Sample>> seenTrain = new LinkedHashMap<>();
    private Map<String, Double> promotedMetrics;
    /** HF checkpoint of the promoted model (the base, or the latest merged checkpoint under merge-fresh). */
    private Path promotedModelDir;
    /** PEFT adapter of the promoted model on top of {@link #promotedModelDir}; null = none (B = 0). */
    private Path promotedAdapterDir;
    private int version;
    private Consumer<String> log = s -> {};

    /** What happened in one increment. */
    public record IncrementReport(Domain domain, boolean promoted, String chosen, GateDecision decision,
                                  Map<String, Double> candidateAnchors, Map<String, Double> promotedAnchors,
                                  List<String> wiseTried, IncrementTrainer.Result training, Path versionDir) {}

    /**
     * @param model       loaded from the published base directory ({@link ClipModel#load}); gets a fresh adapter
     * @param versionsDir where promoted versions are written
     */
    public ContinualLearner(ClipModel model, Strategy strategy, TrainConfig baseConfig, IncrementTrainer trainer,
                            Evaluator evaluator, EvaluationGate gate, Domain baseDomain, List<Domain> allDomains,
                            int replayPerDomain, long seed, Path versionsDir) {
        this.model = model;
        this.strategy = strategy;
        this.baseConfig = baseConfig;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.gate = gate;
        this.baseDomain = baseDomain;
        this.allDomains = allDomains;
        this.replay = new ReplayBuffer<>(replayPerDomain, new Random(seed));
        this.seed = seed;
        this.versionsDir = versionsDir;
        this.promotedModelDir = model.directory();
        ClipModels.adapterTraining(model, seed);
        this.state = model.manager().newSubManager();
        this.initialAdapter = model.lora().copyWeights(state);
    }

    public ContinualLearner log(Consumer<String> log) {
        this.log = log;
        return this;
    }

    /** Registers the base domain as already learned (its data goes into the replay buffer). */
    public void registerBase(List<Sample> baseTrain, Map<Domain, List<Sample>> anchors) {
        learned.add(baseDomain);
        replay.offerAll(baseDomain, baseTrain);
        seenTrain.put(baseDomain, baseTrain);
        promotedMetrics = evaluator.accuracies(model, anchorSets(anchors));
    }

    private Map<Domain, List<Sample>> anchorSets(Map<Domain, List<Sample>> anchors) {
        Map<Domain, List<Sample>> out = new LinkedHashMap<>();
        for (Domain d : allDomains) if (anchors.containsKey(d)) out.put(d, anchors.get(d));
        return out;
    }

    public IncrementReport increment(Domain domain, List<Sample> train, Map<Domain, List<Sample>> anchors) throws IOException {
        try (NDManager inc = state.newSubManager()) {
            Map<String, NDArray> previous = model.lora().copyWeights(inc);
            TrainConfig cfg = baseConfig.withGuards(strategy.replay(), strategy.distill(), strategy.distillScope(), strategy.l2())
                    .withDann(strategy.dann(), baseConfig.dannLambda())
                    .withSeed(baseConfig.seed() + 1000L * (learned.size()));
            Map<Domain, List<Sample>> newData = new LinkedHashMap<>();
            if (strategy.joint()) {
                model.lora().setWeights(initialAdapter);
                newData.putAll(seenTrain);
            }
            newData.put(domain, train);
            Map<Domain, List<Sample>> val = Map.of(domain, anchors.get(domain));
            IncrementTrainer.Result res;
            try (ClipModel teacher = strategy.distill() > 0 ? ClipModels.loadFrozen(promotedModelDir, promotedAdapterDir) : null) {
                res = trainer.train(model, newData, replay, val, teacher, cfg, allDomains);
            }

            Map<Domain, List<Sample>> anchorSets = anchorSets(anchors);
            Map<String, Double> cand = evaluator.accuracies(model, anchorSets);
            List<String> earlier = learned.stream().map(Domain::id).toList();
            GateDecision decision = gate.evaluate(cand, strategy.gate() ? promotedMetrics : null, domain.id(), earlier, baseDomain.id());
            String chosen = "candidate";
            List<String> wiseTried = new ArrayList<>();
            Map<String, Double> finalMetrics = cand;
            if (strategy.gate() && !decision.blessed() && !strategy.wiseAlphas().isEmpty()) {
                Map<String, NDArray> candidate = model.lora().copyWeights(inc);
                Map<String, NDArray> best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (float alpha : strategy.wiseAlphas()) {
                    Map<String, NDArray> mix = LoraAdapters.interpolate(previous, candidate, alpha, inc);
                    model.lora().setWeights(mix);
                    Map<String, Double> m = evaluator.accuracies(model, anchorSets);
                    GateDecision d = gate.evaluate(m, promotedMetrics, domain.id(), earlier, baseDomain.id());
                    double score = m.values().stream().mapToDouble(Double::doubleValue).average().orElse(0);
                    wiseTried.add(String.format("alpha=%.2f %s mean=%.3f", alpha, d.verdict(), score));
                    if (d.blessed() && score > bestScore) {
                        best = mix;
                        bestScore = score;
                        decision = d;
                        finalMetrics = m;
                        chosen = String.format("wise-ft alpha=%.2f", alpha);
                    }
                }
                model.lora().setWeights(best != null ? best : candidate);
            }
            boolean promoted = !strategy.gate() || decision.blessed();
            Path versionDir = null;
            if (promoted) {
                promotedMetrics = finalMetrics;
                versionDir = publish(domain, decision, chosen, finalMetrics);
            } else {
                model.lora().setWeights(previous);
                chosen = "previous (rejected)";
            }
            learned.add(domain);
            replay.offerAll(domain, train);
            seenTrain.put(domain, train);
            log.accept(String.format("  [%s] %s: gate %s%s -> %s", strategy.name(), domain.id(), decision.verdict(),
                    decision.reasons().isEmpty() ? "" : " " + decision.reasons(), chosen));
            return new IncrementReport(domain, promoted, chosen, decision, cand, promotedMetrics, wiseTried, res, versionDir);
        }
    }

    /**
     * Writes the promoted version: the PEFT adapter, metrics.json, and MANIFEST.json last (a version without it
     * does not exist). Under merge-fresh the adapter is then merged into the weights, the merged checkpoint is
     * written to {@code <version>/merged/} (HF layout) and a fresh adapter starts.
     */
    private Path publish(Domain domain, GateDecision decision, String chosen, Map<String, Double> anchors) throws IOException {
        version++;
        Path dir = versionsDir.resolve(version + "-" + domain.id());
        model.saveAdapter(dir);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("version", version);
        metrics.put("domain", domain.id());
        metrics.put("strategy", strategy.name());
        metrics.put("parent_model", promotedModelDir.toString());
        metrics.put("parent_adapter", promotedAdapterDir == null ? null : promotedAdapterDir.toString());
        metrics.put("chosen", chosen);
        metrics.put("gate", Map.of("blessed", decision.blessed(), "reasons", decision.reasons(), "checks", decision.checks()));
        metrics.put("anchor_accuracy", anchors);
        JSON.writeValue(dir.resolve("metrics.json").toFile(), metrics);
        if (strategy.mergeFresh()) {
            model.lora().mergeAndReset(seed + version);
            Path merged = dir.resolve("merged");
            model.save(merged);
            promotedModelDir = merged;
            promotedAdapterDir = null;
        } else {
            promotedAdapterDir = dir;
        }
        writeManifest(dir);
        return dir;
    }

    private static void writeManifest(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString(), sha256(p));
            }
        }
        Path tmp = dir.resolve("MANIFEST.json.tmp");
        JSON.writeValue(tmp.toFile(), Map.of("files", files));
        Files.move(tmp, dir.resolve("MANIFEST.json"), StandardCopyOption.ATOMIC_MOVE);
    }

    private static String sha256(Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HF checkpoint of the promoted model. */
    public Path promotedModelDir() {
        return promotedModelDir;
    }

    /** PEFT adapter of the promoted model, null while none was promoted (or right after a merge). */
    public Path promotedAdapterDir() {
        return promotedAdapterDir;
    }

    @Override
    public void close() {
        state.close();
    }
}
