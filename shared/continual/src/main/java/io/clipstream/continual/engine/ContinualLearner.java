package io.clipstream.continual.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.clip.lora.LoraAdapters;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.RoutingFeatures;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.gate.Discordance;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateDecision;
import io.clipstream.continual.model.ClipModels;
import io.clipstream.continual.routing.RoutedEmbedder;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.EmbeddingMemo;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.PixelBatch;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.registry.ExpertSet;
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
 * <p>No decision reads data it could not have in a real stream: every anchor set handed to it (the gate, WiSE-FT's
 * choice, early stopping) must belong to a domain that has arrived, i.e. was learned before or is being learned now,
 * and no sample may be one of the held-out test samples {@link #sealTestSet sealed} with it. Either is refused with
 * an {@link IllegalArgumentException}.
 *
 * <p>Two ways to start: {@link #registerBase} (the benchmark: the base domain's training data seeds the replay
 * buffer, the base model is the baseline) or {@link #resume} (the trainer: the model already carries the champion's
 * adapter; the baseline is evaluated now, on the anchors of this run).
 *
 * <p>A {@link Strategy#routed() routed} strategy keeps an adapter per domain instead of one: the base domain's is the
 * initial adapter (the base model), each increment trains a fresh one on its new data, and a {@link DomainRouter}
 * built from each domain's replay reservoir picks an image's adapter; every measurement and gate decision is made on
 * the {@link RoutedEmbedder}, i.e. on what would be served.
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
    /**
     * Routed strategies: the promoted router, each routed domain's adapter (the base domain's is the initial adapter,
     * i.e. the base model, until its own pairs train one), and the lineage of each trained expert, by domain.
     */
    private DomainRouter router;

    private final Map<String, Map<String, NDArray>> experts = new LinkedHashMap<>();
    private final Map<String, ExpertSet.Expert> lineage = new LinkedHashMap<>();
    private final Set<String> learned = new LinkedHashSet<>();
    private final Map<String, List<Sample>> seenTrain = new LinkedHashMap<>();
    private final Set<String> sealed = new java.util.HashSet<>();
    private Map<String, Map<String, Double>> promotedMetrics;
    /** The promoted model's zero-shot hits on the anchors, for the gate's paired test. */
    private final Map<String, boolean[]> promotedHits = new LinkedHashMap<>();
    /** Per domain, the best value any promoted version had (the gate's reference), and that version's hits. */
    private final Map<String, Map<String, Double>> reference = new LinkedHashMap<>();

    private final Map<String, boolean[]> referenceHits = new LinkedHashMap<>();
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
    public record IncrementReport(
            List<String> domains,
            boolean promoted,
            String chosen,
            GateDecision decision,
            Map<String, Map<String, Double>> baseline,
            Map<String, Map<String, Double>> candidateAnchors,
            Map<String, Map<String, Double>> promotedAnchors,
            List<String> wiseTried,
            IncrementTrainer.Result training,
            VersionPublisher.Published published) {
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
    public ContinualLearner(
            ClipModel model,
            Strategy strategy,
            TrainConfig baseConfig,
            IncrementTrainer trainer,
            Evaluator evaluator,
            EvaluationGate gate,
            String baseDomain,
            ReplayBuffer<String, Sample> replay,
            long seed,
            VersionPublisher publisher) {
        this(
                model,
                strategy,
                baseConfig,
                trainer,
                evaluator,
                gate,
                baseDomain,
                replay,
                seed,
                publisher,
                ClipModels.loraConfig());
    }

    /** @param lora the adapter a model without one gets ({@link ClipModels#loraConfig()} by default) */
    public ContinualLearner(
            ClipModel model,
            Strategy strategy,
            TrainConfig baseConfig,
            IncrementTrainer trainer,
            Evaluator evaluator,
            EvaluationGate gate,
            String baseDomain,
            ReplayBuffer<String, Sample> replay,
            long seed,
            VersionPublisher publisher,
            LoraConfig lora) {
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
        ClipModels.adapterTraining(model, seed, lora);
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

    /**
     * Test samples (by id) that no decision may see: an increment given one of them, as training data or as an
     * anchor, is refused. The benchmark seals its test sets, on which it reports.
     */
    public ContinualLearner sealTestSet(Collection<Sample> test) {
        for (Sample s : test) {
            sealed.add(s.id());
        }
        return this;
    }

    /** Registers the base domain as already learned (its data goes into the replay buffer). */
    public void registerBase(List<Sample> baseTrain, Map<String, List<Sample>> anchors) {
        learned.add(baseDomain);
        requireArrived(anchors, List.of());
        requireUnsealed("training data of " + baseDomain, baseTrain);
        replay.offerAll(baseDomain, baseTrain);
        seenTrain.put(baseDomain, baseTrain);
        if (strategy.routed()) {
            experts.put(baseDomain, initialAdapter);
            router = fitRouter(experts);
        }
        promote(evaluator.measure(embedder(), anchors, measured()), anchors.keySet());
    }

    /**
     * What the promoted model embeds with: the model itself, or for a routed strategy the router and the experts
     * (each call sets the model's adapter to the expert it needs).
     */
    public ImageTextEmbedder embedder() {
        return strategy.routed() ? new RoutedEmbedder(model, router, experts) : model;
    }

    /**
     * Routed strategies: the router of the promoted version (the base domain alone before any promotion); else null.
     */
    public DomainRouter router() {
        return router;
    }

    /**
     * At most this share of an earlier domain's images may go to the newest domains' experts (measured on held-out
     * reservoir images): the router's prior toward the domains learned earlier ({@link DomainRouter#fit(Map, double)}).
     */
    static final double ROUTER_MAX_TAKEN = 0.01;

    /**
     * A router over the domains of {@code byDomain} (in the order they were learned), fitted on their replay
     * reservoirs' routing features, with a prior toward the domains learned earlier: the promoted router with a stage
     * for the new domains, its own stages kept as they are. When a domain it routes comes back with a new expert, the
     * features its stages read change, and the router is fitted again from its first stage.
     */
    private DomainRouter fitRouter(Map<String, Map<String, NDArray>> byDomain) {
        List<Map<String, NDArray>> adapters = List.copyOf(byDomain.values());
        Map<String, float[][]> examples = new LinkedHashMap<>();
        for (String d : byDomain.keySet()) {
            List<Sample> kept = replay.contents().getOrDefault(d, List.of());
            examples.put(
                    d,
                    RoutingFeatures.of(
                            model,
                            adapters,
                            PixelBatch.toChw(
                                    model.preprocessor(),
                                    kept.stream().map(Sample::image).toList())));
        }
        List<String> order = List.copyOf(byDomain.keySet());
        boolean extendable = router != null
                && order.size() > router.domains().size()
                && order.subList(0, router.domains().size()).equals(router.domains())
                && router.domains().stream().allMatch(d -> byDomain.get(d) == experts.get(d));
        return extendable ? router.extend(examples, ROUTER_MAX_TAKEN) : DomainRouter.fit(examples, ROUTER_MAX_TAKEN);
    }

    /**
     * Continues from a promoted version: {@code learnedDomains} were learned before, the model's current weights
     * are the promoted ones (published at {@code adapterDir} on top of the model's directory; null = the base),
     * and they are evaluated on {@code anchors} now, as the baseline of the next increment.
     */
    public Map<String, Map<String, Double>> resume(
            Collection<String> learnedDomains, Map<String, List<Sample>> anchors, Path adapterDir) {
        return resume(learnedDomains, anchors, adapterDir, new Evaluator.Measured(Map.of(), Map.of()));
    }

    /**
     * The same, with the promoted model's measurements of some domains already known ({@code known}: measured on
     * exactly these anchors by exactly these weights, e.g. when they were promoted): only the other domains are
     * measured now.
     */
    public Map<String, Map<String, Double>> resume(
            Collection<String> learnedDomains,
            Map<String, List<Sample>> anchors,
            Path adapterDir,
            Evaluator.Measured known) {
        if (strategy.routed()) {
            throw new IllegalStateException(
                    strategy.name() + " is routed: resume it from its routing with resumeRouted");
        }
        learned.add(baseDomain);
        learned.addAll(learnedDomains);
        promotedAdapterDir = adapterDir;
        return measurePromoted(anchors, known);
    }

    /**
     * Continues a routed strategy from a promoted version of experts ({@link ExpertSet}, in {@code versionDir}): the
     * experts are read back, the router is the version's, and the promoted model (the router over the experts) is
     * measured on {@code anchors} as the baseline of the next increment; a new domain then gets a stage of its own.
     * {@code learnedDomains} that the router does not know (learned before the model had experts) are served by the
     * base domain's expert. The replay buffer must hold the routed domains' reservoirs (a new stage is fitted on them).
     * Call it on a model that carries no trained adapter.
     */
    public Map<String, Map<String, Double>> resumeRouted(
            Path versionDir,
            Collection<String> learnedDomains,
            Map<String, List<Sample>> anchors,
            Evaluator.Measured known)
            throws IOException {
        requireRouted();
        ExpertSet set = ExpertSet.read(versionDir);
        if (!set.baseDomain().equals(baseDomain)) {
            throw new IllegalArgumentException(
                    "the version's base domain is " + set.baseDomain() + ", not " + baseDomain);
        }
        DomainRouter restored = DomainRouter.restore(set.router());
        if (!restored.domains().equals(set.domains())) {
            throw new IllegalArgumentException(
                    "the router routes " + restored.domains() + ", the version names experts of " + set.domains());
        }
        Map<String, Map<String, NDArray>> byName = new LinkedHashMap<>();
        for (String name : set.experts().keySet()) {
            model.lora().load(versionDir.resolve(ExpertSet.folder(name)));
            byName.put(name, model.lora().copyWeights(state));
        }
        set.expertOfDomain().forEach((d, name) -> {
            experts.put(d, name == null ? initialAdapter : byName.get(name));
            if (name != null) {
                lineage.put(d, set.experts().get(name));
            }
        });
        return resumedRouted(restored, learnedDomains, anchors, known);
    }

    /**
     * Continues a routed strategy from a version of one adapter ({@code adapterDir}; null = the base model): that
     * adapter
     * becomes the base domain's expert and serves every domain learned so far, and each domain that arrives from now on
     * gets an expert and a stage of its own. This is how a one-adapter champion is upgraded to experts.
     *
     * @param version the version that trained the adapter (its lineage)
     */
    public Map<String, Map<String, Double>> resumeRoutedFromAdapter(
            Path adapterDir,
            Integer version,
            Collection<String> learnedDomains,
            Map<String, List<Sample>> anchors,
            Evaluator.Measured known)
            throws IOException {
        requireRouted();
        if (adapterDir == null) {
            experts.put(baseDomain, initialAdapter);
        } else {
            model.lora().load(adapterDir);
            experts.put(baseDomain, model.lora().copyWeights(state));
            lineage.put(baseDomain, new ExpertSet.Expert(List.of(baseDomain), null, version, null, 0));
        }
        return resumedRouted(
                DomainRouter.single(baseDomain, RoutingFeatures.length(model, 1)), learnedDomains, anchors, known);
    }

    private void requireRouted() {
        if (!strategy.routed()) {
            throw new IllegalStateException(strategy.name() + " is not routed: resume from its adapter");
        }
    }

    private Map<String, Map<String, Double>> resumedRouted(
            DomainRouter restored,
            Collection<String> learnedDomains,
            Map<String, List<Sample>> anchors,
            Evaluator.Measured known) {
        if (!restored.domains().getFirst().equals(baseDomain)) {
            throw new IllegalArgumentException("the router's first domain is "
                    + restored.domains().getFirst() + ", not the base domain " + baseDomain);
        }
        model.lora().setWeights(initialAdapter);
        router = restored;
        learned.add(baseDomain);
        learned.addAll(restored.domains());
        learned.addAll(learnedDomains);
        return measurePromoted(anchors, known);
    }

    /**
     * The promoted model measured on {@code anchors} (those {@code known} has are taken from it) becomes the baseline.
     */
    private Map<String, Map<String, Double>> measurePromoted(
            Map<String, List<Sample>> anchors, Evaluator.Measured known) {
        Map<String, List<Sample>> unknown = new LinkedHashMap<>(anchors);
        unknown.keySet().removeAll(known.metrics().keySet());
        Evaluator.Measured now = evaluator.measure(embedder(), unknown, measured());
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        for (String d : anchors.keySet()) {
            Evaluator.Measured from = known.metrics().containsKey(d) ? known : now;
            if (from.metrics().containsKey(d)) {
                metrics.put(d, from.metrics().get(d));
            }
            if (from.zeroShotHits().containsKey(d)) {
                hits.put(d, from.zeroShotHits().get(d));
            }
        }
        // the champion is the reference too: the values earlier versions had are not known here
        promote(new Evaluator.Measured(metrics, hits), anchors.keySet());
        return promotedMetrics;
    }

    /**
     * The promoted model's measurements on the anchors of the last call (after an increment: the new version's if it
     * was promoted, else the previous one's, with the domains that arrived in it): what {@link #resume} may reuse.
     */
    public Evaluator.Measured promotedMeasured() {
        return new Evaluator.Measured(Map.copyOf(promotedMetrics), Map.copyOf(promotedHits));
    }

    /** One domain's increment. */
    public IncrementReport increment(String domain, List<Sample> train, Map<String, List<Sample>> anchors)
            throws IOException {
        return increment(Map.of(domain, train), anchors);
    }

    /**
     * Trains on {@code newData} (domain -> pairs; several domains are sampled balanced), gates on {@code anchors}
     * (domain -> held-out pairs; the new domains' anchors double as early-stopping validation sets).
     */
    public IncrementReport increment(Map<String, List<Sample>> newData, Map<String, List<Sample>> anchors)
            throws IOException {
        if (strategy.routed() && newData.size() > 1) {
            throw new IllegalArgumentException(
                    "a routed strategy decides each domain on its own: incrementEach, not increment, of "
                            + newData.keySet());
        }
        return incrementEach(newData, anchors).getFirst();
    }

    /**
     * {@link #increment}, where a routed strategy learns each domain of {@code newData} on its own, in order: an expert
     * each (a domain it has an expert of refines it), each gated and promoted or rejected on its own evidence against
     * what was promoted before it. Other strategies make one increment of all the domains.
     */
    public List<IncrementReport> incrementEach(Map<String, List<Sample>> newData, Map<String, List<Sample>> anchors)
            throws IOException {
        if (promotedMetrics == null) {
            throw new IllegalStateException("registerBase or resume first");
        }
        List<String> domains = List.copyOf(newData.keySet());
        requireArrived(anchors, domains);
        newData.forEach((d, train) -> requireUnsealed("training data of " + d, train));
        Set<String> indexed = new LinkedHashSet<>(anchors.keySet());
        indexed.addAll(domains);
        List<String> domainIndex = List.copyOf(indexed);
        // the baseline on a domain that arrives now: the promoted model, measured on its anchors before training
        Map<String, List<Sample>> unmeasured = new LinkedHashMap<>(anchors);
        unmeasured.keySet().removeAll(promotedMetrics.keySet());
        if (!unmeasured.isEmpty()) {
            Evaluator.Measured m = evaluator.measure(embedder(), unmeasured, measured());
            promotedMetrics.putAll(m.metrics());
            promotedHits.putAll(m.zeroShotHits());
        }
        if (strategy.routed()) {
            List<IncrementReport> out = new ArrayList<>();
            for (Map.Entry<String, List<Sample>> e : newData.entrySet()) {
                out.add(routedIncrement(e.getKey(), e.getValue(), anchors, domainIndex));
            }
            return out;
        }
        try (NDManager inc = state.newSubManager()) {
            Map<String, NDArray> previous = model.lora().copyWeights(inc);
            TrainConfig cfg = baseConfig
                    .withGuards(strategy.replay(), strategy.distill(), strategy.distillScope(), strategy.l2())
                    .withDann(strategy.dann(), baseConfig.dannLambda())
                    .withSeed(baseConfig.seed() + 1000L * (learned.size()));
            Map<String, List<Sample>> trainData = new LinkedHashMap<>();
            if (strategy.joint()) {
                model.lora().setWeights(initialAdapter);
                trainData.putAll(seenTrain);
            }
            trainData.putAll(newData);
            // early stopping on the domains trained on: the new ones, and for joint training every domain seen so far
            Map<String, List<Sample>> val = new LinkedHashMap<>();
            for (String d : trainData.keySet()) {
                if (anchors.containsKey(d) && !anchors.get(d).isEmpty()) {
                    val.put(d, anchors.get(d));
                }
            }
            IncrementTrainer.Result res;
            try (ClipModel teacher =
                    strategy.distill() > 0 ? ClipModels.loadFrozen(promotedModelDir, promotedAdapterDir) : null) {
                res = trainer.train(model, trainData, replay, val, teacher, cfg, domainIndex);
            }

            onEvaluating.run();
            List<String> metrics = measured();
            Evaluator.Measured candMeasured = evaluator.measure(model, anchors, metrics);
            Map<String, Map<String, Double>> cand = candMeasured.metrics();
            List<String> earlier = List.copyOf(learned);
            Map<String, Map<String, Double>> baseline = promotedMetrics;
            GateDecision decision = gate.evaluate(
                    cand, strategy.gate() ? baseline : null, domains, earlier, baseDomain, evidence(candMeasured));
            Evaluator.Measured finalMeasured = candMeasured;
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
                    MixMeasure mixed = measureUntilRejected(anchors, metrics, baseline, domains, earlier);
                    Evaluator.Measured mm = mixed.measured();
                    Map<String, Map<String, Double>> m = mm.metrics();
                    GateDecision d = mixed.decision();
                    double score = gate.score(m, anchors.keySet());
                    wiseTried.add(
                            mixed.complete()
                                    ? String.format("alpha=%.2f %s mean=%.3f", alpha, d.verdict(), score)
                                    : String.format(
                                            "alpha=%.2f %s on %s (%d of %d domains measured)",
                                            alpha,
                                            d.verdict(),
                                            String.join("+", m.keySet()),
                                            m.size(),
                                            anchors.size()));
                    if (d.blessed() && score > bestScore) {
                        best = mix;
                        bestScore = score;
                        decision = d;
                        finalMetrics = m;
                        finalMeasured = mm;
                        chosen = String.format("wise-ft alpha=%.2f", alpha);
                    }
                }
                model.lora().setWeights(best != null ? best : candidate);
            }
            boolean promoted = !strategy.gate() || decision.blessed();
            VersionPublisher.Published published = null;
            if (promoted) {
                promote(finalMeasured, anchors.keySet());
                version++;
                published = publisher.publish(
                        model,
                        new VersionPublisher.Promotion(
                                version,
                                domains,
                                strategy.name(),
                                decision,
                                chosen,
                                finalMetrics,
                                promotedModelDir,
                                promotedAdapterDir));
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
            log.accept(String.format(
                    "  [%s] %s: gate %s%s -> %s",
                    strategy.name(),
                    String.join("+", domains),
                    decision.verdict(),
                    decision.reasons().isEmpty() ? "" : " " + decision.reasons(),
                    chosen));
            return List.of(new IncrementReport(
                    domains, promoted, chosen, decision, baseline, cand, promotedMetrics, wiseTried, res, published));
        }
    }

    /**
     * A routed increment of one domain: its expert (a fresh adapter, or the domain's own to refine) learns the new data
     * (with the strategy's replay share), the router learns the domain from its training data (offered to the replay
     * reservoir first, as the base domain's was; a refined expert changes what the router reads, so it is fitted
     * again),
     * and the gate judges the routed model with the new expert against the promoted one. Rejected, the expert and the
     * router's stage are dropped.
     */
    private IncrementReport routedIncrement(
            String domain, List<Sample> data, Map<String, List<Sample>> anchors, List<String> domainIndex)
            throws IOException {
        List<String> domains = List.of(domain);
        Map<String, List<Sample>> newData = Map.of(domain, data);
        model.lora().setWeights(experts.getOrDefault(domain, initialAdapter));
        TrainConfig cfg = baseConfig
                .withGuards(strategy.replay(), 0, strategy.distillScope(), 0)
                .withDann(0, baseConfig.dannLambda())
                .withSeed(baseConfig.seed() + 1000L * (learned.size()));
        Map<String, List<Sample>> val = new LinkedHashMap<>();
        if (anchors.containsKey(domain) && !anchors.get(domain).isEmpty()) {
            val.put(domain, anchors.get(domain));
        }
        IncrementTrainer.Result res = trainer.train(model, newData, replay, val, null, cfg, domainIndex);
        Map<String, NDArray> expert = model.lora().copyWeights(state);

        onEvaluating.run();
        replay.offerAll(domain, data);
        Map<String, Map<String, NDArray>> candidateExperts = new LinkedHashMap<>(experts);
        candidateExperts.put(domain, expert);
        List<String> unseen = candidateExperts.keySet().stream()
                .filter(d -> replay.contents().getOrDefault(d, List.of()).isEmpty())
                .toList();
        if (!unseen.isEmpty()) {
            // the router learns a domain from its reservoir: without one it cannot tell the new domain's images from it
            expert.values().forEach(NDArray::close);
            model.lora().setWeights(initialAdapter);
            GateDecision refused = new GateDecision(
                    false,
                    List.of("the router holds no pairs of " + String.join(", ", unseen) + " to tell " + domain
                            + " from: " + domain + " waits until it does"),
                    List.of());
            log.accept(String.format("  [%s] %s: %s", strategy.name(), domain, refused.reasons()));
            return new IncrementReport(
                    domains,
                    false,
                    "previous (rejected)",
                    refused,
                    promotedMetrics,
                    promotedMetrics,
                    promotedMetrics,
                    List.of(),
                    res,
                    null);
        }
        DomainRouter candidateRouter = fitRouter(candidateExperts);
        log.accept("  [" + strategy.name() + "] router: logits lowered in favour of earlier domains by "
                + candidateRouter.priorShifts());
        RoutedEmbedder candidate = new RoutedEmbedder(model, candidateRouter, candidateExperts);
        log.accept("  [" + strategy.name() + "] anchors routed to their own domain's adapter: "
                + RoutedEmbedder.percentages(candidate.shareRoutedToOwnAdapter(anchors)));
        Evaluator.Measured cand = evaluator.measure(candidate, anchors, measured());
        Map<String, Map<String, Double>> baseline = promotedMetrics;
        GateDecision decision = gate.evaluate(
                cand.metrics(),
                strategy.gate() ? baseline : null,
                domains,
                List.copyOf(learned),
                baseDomain,
                evidence(cand));
        boolean promoted = !strategy.gate() || decision.blessed();
        VersionPublisher.Published published = null;
        String chosen = "candidate";
        if (promoted) {
            Map<String, NDArray> replaced = experts.get(domain);
            router = candidateRouter;
            experts.put(domain, expert);
            if (replaced != null && replaced != initialAdapter && !experts.containsValue(replaced)) {
                replaced.values().forEach(NDArray::close);
            }
            lineage.put(domain, new ExpertSet.Expert(List.of(domain), null, null, null, data.size()));
            promote(cand, anchors.keySet());
            version++;
            published = publisher.publish(
                    model,
                    new VersionPublisher.Promotion(
                            version,
                            domains,
                            strategy.name(),
                            decision,
                            chosen,
                            cand.metrics(),
                            promotedModelDir,
                            promotedAdapterDir,
                            promotedExperts()));
            if (published.experts() != null) {
                lineage.put(domain, published.experts().experts().get(domain));
            }
            model.lora().setWeights(initialAdapter);
        } else {
            expert.values().forEach(NDArray::close);
            chosen = "previous (rejected)";
        }
        learned.add(domain);
        seenTrain.put(domain, data);
        log.accept(String.format(
                "  [%s] %s: gate %s%s -> %s",
                strategy.name(),
                domain,
                decision.verdict(),
                decision.reasons().isEmpty() ? "" : " " + decision.reasons(),
                chosen));
        return new IncrementReport(
                domains,
                promoted,
                chosen,
                decision,
                baseline,
                cand.metrics(),
                promotedMetrics,
                List.of(),
                res,
                published);
    }

    /**
     * The promoted experts as a version holds them: every domain the router knows and its expert (named after the
     * domain; the base domain without one is the base model), the router, and each expert's lineage (a version or
     * run not yet known is filled in by whoever publishes).
     */
    public VersionPublisher.Experts promotedExperts() {
        if (!strategy.routed()) {
            throw new IllegalStateException(strategy.name() + " keeps one adapter");
        }
        Map<String, String> expertOf = new LinkedHashMap<>();
        Map<String, ExpertSet.Expert> set = new LinkedHashMap<>();
        Map<String, Map<String, NDArray>> weights = new LinkedHashMap<>();
        for (String d : router.domains()) {
            Map<String, NDArray> w = experts.get(d);
            boolean base = w == initialAdapter;
            expertOf.put(d, base ? null : d);
            if (base) {
                continue;
            }
            set.put(d, lineage.getOrDefault(d, new ExpertSet.Expert(List.of(d), null, null, null, 0)));
            weights.put(d, w);
        }
        return new VersionPublisher.Experts(ExpertSet.of(baseDomain, router.describe(), expertOf, set), weights);
    }

    /**
     * The promoted model's metrics and hits become the baseline; where they beat a domain's reference, its reference.
     */
    private void promote(Evaluator.Measured m, Collection<String> domains) {
        promotedMetrics = new LinkedHashMap<>(m.metrics());
        promotedHits.clear();
        promotedHits.putAll(m.zeroShotHits());
        for (String d : domains) {
            Map<String, Double> values = m.metrics().get(d);
            if (values == null) {
                continue;
            }
            Map<String, Double> ref = reference.computeIfAbsent(d, k -> new LinkedHashMap<>());
            values.forEach((metric, v) -> {
                if (Evaluator.SAMPLES.equals(metric)) {
                    return;
                }
                Double best = ref.get(metric);
                if (best == null || v > best) {
                    ref.put(metric, v);
                    if (Evaluator.ZERO_SHOT.equals(metric) && m.zeroShotHits().containsKey(d)) {
                        referenceHits.put(d, m.zeroShotHits().get(d));
                    }
                }
            });
        }
    }

    /** A WiSE-FT mix's measurements and the gate's decision on them; incomplete when a domain rejected it early. */
    private record MixMeasure(Evaluator.Measured measured, GateDecision decision, boolean complete) {}

    /**
     * Measures the model domain by domain, the new domains first (a mix that moves back toward the previous adapter
     * most often fails there), and stops at the first domain the gate rejects: the gate judges each domain on its own
     * metrics, so a reason found on some domains is a reason on all of them, and the rest need not be embedded. A mix
     * that passes is measured on every domain and judged on all of them, exactly as without this shortcut.
     */
    private MixMeasure measureUntilRejected(
            Map<String, List<Sample>> anchors,
            List<String> metrics,
            Map<String, Map<String, Double>> baseline,
            List<String> domains,
            List<String> earlier) {
        List<String> order = new ArrayList<>();
        anchors.keySet().stream().filter(domains::contains).forEach(order::add);
        anchors.keySet().stream().filter(d -> !domains.contains(d)).forEach(order::add);
        Map<String, Map<String, Double>> partial = new LinkedHashMap<>();
        Map<String, boolean[]> partialHits = new LinkedHashMap<>();
        EmbeddingMemo texts = EmbeddingMemo.texts(); // one mix's weights: prompts shared by domains embedded once
        for (int i = 0; i < order.size(); i++) {
            String d = order.get(i);
            Evaluator.Measured one = evaluator.measure(model, Map.of(d, anchors.get(d)), metrics, texts);
            partial.putAll(one.metrics());
            partialHits.putAll(one.zeroShotHits());
            if (i == order.size() - 1) {
                break;
            }
            Evaluator.Measured sofar = new Evaluator.Measured(partial, partialHits);
            GateDecision early = gate.evaluate(
                    partial,
                    baseline,
                    domains.stream().filter(partial::containsKey).toList(),
                    earlier.stream().filter(partial::containsKey).toList(),
                    partial.containsKey(baseDomain) ? baseDomain : null,
                    evidence(sofar));
            if (!early.blessed()) {
                return new MixMeasure(sofar, early, false);
            }
        }
        // in the anchors' order, as a measurement of all of them at once reports them
        Map<String, Map<String, Double>> all = new LinkedHashMap<>();
        Map<String, boolean[]> allHits = new LinkedHashMap<>();
        for (String d : anchors.keySet()) {
            if (partial.containsKey(d)) {
                all.put(d, partial.get(d));
            }
            if (partialHits.containsKey(d)) {
                allHits.put(d, partialHits.get(d));
            }
        }
        Evaluator.Measured full = new Evaluator.Measured(all, allHits);
        return new MixMeasure(full, gate.evaluate(all, baseline, domains, earlier, baseDomain, evidence(full)), true);
    }

    /** The paired evidence of a measured model against the promoted one and against each domain's reference. */
    private EvaluationGate.Evidence evidence(Evaluator.Measured m) {
        return new EvaluationGate.Evidence(
                discordance(promotedHits, m.zeroShotHits()), reference, discordance(referenceHits, m.zeroShotHits()));
    }

    private static Map<String, Discordance> discordance(Map<String, boolean[]> before, Map<String, boolean[]> after) {
        Map<String, Discordance> out = new LinkedHashMap<>();
        before.forEach((d, b) -> {
            boolean[] a = after.get(d);
            if (a != null && a.length == b.length) {
                out.put(d, Discordance.of(b, a));
            }
        });
        return out;
    }

    /**
     * Refuses anchors of a domain that has not arrived (neither learned nor in {@code arriving}), and sealed samples.
     */
    private void requireArrived(Map<String, List<Sample>> anchors, Collection<String> arriving) {
        for (Map.Entry<String, List<Sample>> e : anchors.entrySet()) {
            if (!learned.contains(e.getKey()) && !arriving.contains(e.getKey())) {
                throw new IllegalArgumentException(
                        "anchors of domain " + e.getKey() + ", which has not arrived yet (learned: " + learned
                                + ", arriving: " + arriving + "): no decision may read data of a future domain");
            }
            requireUnsealed("anchors of " + e.getKey(), e.getValue());
        }
    }

    private void requireUnsealed(String what, List<Sample> samples) {
        if (sealed.isEmpty()) {
            return;
        }
        for (Sample s : samples) {
            if (sealed.contains(s.id())) {
                throw new IllegalArgumentException(
                        what + " hold test sample " + s.id() + ": no decision may read test data");
            }
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
