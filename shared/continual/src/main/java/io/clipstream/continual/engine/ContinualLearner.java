package io.clipstream.continual.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraAdapters;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateDecision;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs increments on a {@link ClipModel} with a {@link Strategy}: train the LoRA adapter (with the strategy's
 * guards), evaluate on the anchor sets, gate against the last promoted model, try WiSE-FT interpolations before
 * rejecting, then promote (through a {@link VersionPublisher}) or roll back. The distillation teacher of an
 * increment is rebuilt from the files of the promoted version ({@link ClipModels#loadFrozen}), i.e. from what was
 * actually published.
 *
 * <p>Two ways to start: {@link #registerBase} (the benchmark: the base domain's training data seeds the replay
 * buffer, the base model is the baseline) or {@link #resume} (the trainer: the model already carries the champion's
 * adapter; the baseline is evaluated now, on the anchors of this run).
 */
public final class ContinualLearner implements AutoCloseable {
    private final ClipModel model;
    private final Strategy strategy;
    private final TrainConfig baseConfig;
    private final IncrementTrainer trainer;
    private final Evaluator evaluator;
    private final EvaluationGate gate;
    private final String baseDomain;
    private final ReplayBuffer<String, Sample> replay;
    private final VersionPublisher publisher;
    private final NDManager state;
    private final Map<String, NDArray> initialAdapter;
    private final Set<String> learned = new LinkedHashSet<>();
    private final Map<String, List<Sample>> seenTrain = new LinkedHashMap<>();
    private Map<String, Map<String, Double>> promotedMetrics;
    /** HF checkpoint of the promoted model (the base, or the latest merged checkpoint under merge-fresh). */
    private Path promotedModelDir;
    /** PEFT adapter of the promoted model on top of {@link #promotedModelDir}; null = none (B = 0). */
    private Path promotedAdapterDir;
    private int version;
    private Consumer<String> log = s -> {};
    private Runnable onEvaluating = () -> {};
    private List<String> reported;

    /**
     * What happened in one increment.
     *
     * @param baseline          the promoted model's metrics on the same anchor sets (the gate's baseline)
     * @param candidateAnchors  the trained candidate's metrics
     * @param promotedAnchors   the metrics of what is promoted after the increment (candidate, WiSE-FT mix, or the
     *                          previous model when rejected)
     * @param published         where the promoted version was written; null when rejected
     */
    public record IncrementReport(List<String> domains, boolean promoted, String chosen, GateDecision decision,
                                  Map<String, Map<String, Double>> baseline, Map<String, Map<String, Double>> candidateAnchors,
                                  Map<String, Map<String, Double>> promotedAnchors, List<String> wiseTried,
                                  IncrementTrainer.Result training, VersionPublisher.Published published) {
        public Path versionDir() {
            return published == null ? null : published.versionDir();
        }
    }

    /**
     * @param model      loaded from the published base directory ({@link ClipModel#load}), with the promoted adapter
     *                   if there is one (else it gets a fresh adapter)
     * @param baseDomain the base / general domain, always guarded
     * @param replay     the replay buffer of earlier domains: the increment's new data is offered to it afterwards
     */
    public ContinualLearner(ClipModel model, Strategy strategy, TrainConfig baseConfig, IncrementTrainer trainer,
                            Evaluator evaluator, EvaluationGate gate, String baseDomain, ReplayBuffer<String, Sample> replay,
                            long seed, VersionPublisher publisher) {
        this.model = model;
        this.strategy = strategy;
        this.baseConfig = baseConfig;
        this.trainer = trainer;
        this.evaluator = evaluator;
        this.gate = gate;
        this.baseDomain = baseDomain;
        this.replay = replay;
        this.publisher = publisher;
        this.promotedModelDir = model.directory();
        ClipModels.adapterTraining(model, seed);
        this.state = model.manager().newSubManager();
        this.initialAdapter = model.lora().copyWeights(state);
    }

    public ContinualLearner log(Consumer<String> log) {
        this.log = log;
        return this;
    }

    /**
     * Metrics measured on the anchors besides the gated ones (the gate reads only its own; reports carry all).
     * Default: the gated metrics only, which is all the benchmark needs.
     */
    public ContinualLearner reportMetrics(Collection<String> metrics) {
        Set<String> all = new LinkedHashSet<>(gate.config().metrics());
        all.addAll(metrics);
        this.reported = List.copyOf(all);
        return this;
    }

    private List<String> measured() {
        return reported == null ? gate.config().metrics() : reported;
    }

    /** Called when training of an increment ends and its evaluation starts. */
    public ContinualLearner onEvaluating(Runnable listener) {
        this.onEvaluating = listener;
        return this;
    }

    /** Registers the base domain as already learned (its data goes into the replay buffer). */
    public void registerBase(List<Sample> baseTrain, Map<String, List<Sample>> anchors) {
        learned.add(baseDomain);
        replay.offerAll(baseDomain, baseTrain);
        seenTrain.put(baseDomain, baseTrain);
        promotedMetrics = evaluator.metrics(model, anchors, measured());
    }

    /**
     * Continues from a promoted version: {@code learnedDomains} were learned before, the model's current weights
     * are the promoted ones (published at {@code adapterDir} on top of the model's directory; null = the base),
     * and they are evaluated on {@code anchors} now, as the baseline of the next increment.
     */
    public Map<String, Map<String, Double>> resume(Collection<String> learnedDomains, Map<String, List<Sample>> anchors, Path adapterDir) {
        learned.add(baseDomain);
        learned.addAll(learnedDomains);
        promotedAdapterDir = adapterDir;
        promotedMetrics = evaluator.metrics(model, anchors, measured());
        return promotedMetrics;
    }

    /** One domain's increment. */
    public IncrementReport increment(String domain, List<Sample> train, Map<String, List<Sample>> anchors) throws IOException {
        return increment(Map.of(domain, train), anchors);
    }

    /**
     * Trains on {@code newData} (domain -> pairs; several domains are sampled balanced), gates on {@code anchors}
     * (domain -> held-out pairs; the new domains' anchors double as early-stopping validation sets).
     */
    public IncrementReport increment(Map<String, List<Sample>> newData, Map<String, List<Sample>> anchors) throws IOException {
        if (promotedMetrics == null) throw new IllegalStateException("registerBase or resume first");
        List<String> domains = List.copyOf(newData.keySet());
        Set<String> indexed = new LinkedHashSet<>(anchors.keySet());
        indexed.addAll(domains);
        List<String> domainIndex = List.copyOf(indexed);
        try (NDManager inc = state.newSubManager()) {
            Map<String, NDArray> previous = model.lora().copyWeights(inc);
            TrainConfig cfg = baseConfig.withGuards(strategy.replay(), strategy.distill(), strategy.distillScope(), strategy.l2())
                    .withDann(strategy.dann(), baseConfig.dannLambda())
                    .withSeed(baseConfig.seed() + 1000L * (learned.size()));
            Map<String, List<Sample>> trainData = new LinkedHashMap<>();
            if (strategy.joint()) {
                model.lora().setWeights(initialAdapter);
                trainData.putAll(seenTrain);
            }
            trainData.putAll(newData);
            Map<String, List<Sample>> val = new LinkedHashMap<>();
            for (String d : domains) if (anchors.containsKey(d) && !anchors.get(d).isEmpty()) val.put(d, anchors.get(d));
            IncrementTrainer.Result res;
            try (ClipModel teacher = strategy.distill() > 0 ? ClipModels.loadFrozen(promotedModelDir, promotedAdapterDir) : null) {
                res = trainer.train(model, trainData, replay, val, teacher, cfg, domainIndex);
            }

            onEvaluating.run();
            List<String> metrics = measured();
            Map<String, Map<String, Double>> cand = evaluator.metrics(model, anchors, metrics);
            List<String> earlier = List.copyOf(learned);
            Map<String, Map<String, Double>> baseline = promotedMetrics;
            GateDecision decision = gate.evaluate(cand, strategy.gate() ? baseline : null, domains, earlier, baseDomain);
            String chosen = "candidate";
            List<String> wiseTried = new ArrayList<>();
            Map<String, Map<String, Double>> finalMetrics = cand;
            if (strategy.gate() && !decision.blessed() && !strategy.wiseAlphas().isEmpty()) {
                Map<String, NDArray> candidate = model.lora().copyWeights(inc);
                Map<String, NDArray> best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (float alpha : strategy.wiseAlphas()) {
                    Map<String, NDArray> mix = LoraAdapters.interpolate(previous, candidate, alpha, inc);
                    model.lora().setWeights(mix);
                    Map<String, Map<String, Double>> m = evaluator.metrics(model, anchors, metrics);
                    GateDecision d = gate.evaluate(m, baseline, domains, earlier, baseDomain);
                    double score = gate.score(m, anchors.keySet());
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
            VersionPublisher.Published published = null;
            if (promoted) {
                promotedMetrics = finalMetrics;
                version++;
                published = publisher.publish(model, new VersionPublisher.Promotion(version, domains, strategy.name(), decision, chosen,
                        finalMetrics, promotedModelDir, promotedAdapterDir));
                promotedModelDir = published.modelDir();
                promotedAdapterDir = published.adapterDir();
            } else {
                model.lora().setWeights(previous);
                chosen = "previous (rejected)";
            }
            learned.addAll(domains);
            newData.forEach((d, train) -> {
                replay.offerAll(d, train);
                seenTrain.put(d, train);
            });
            log.accept(String.format("  [%s] %s: gate %s%s -> %s", strategy.name(), String.join("+", domains), decision.verdict(),
                    decision.reasons().isEmpty() ? "" : " " + decision.reasons(), chosen));
            return new IncrementReport(domains, promoted, chosen, decision, baseline, cand, promotedMetrics, wiseTried, res, published);
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
