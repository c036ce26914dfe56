package io.clipstream.trainer.run;

import ai.djl.Device;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.DeviceChoice;
import io.clipstream.clip.precision.Precision;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.ClassPrompts;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.engine.ContinualLearner;
import io.clipstream.continual.engine.Strategy;
import io.clipstream.continual.engine.VersionPublisher;
import io.clipstream.continual.gate.EvaluationGate;
import io.clipstream.continual.gate.GateConfig;
import io.clipstream.continual.sampling.ReplayBuffer;
import io.clipstream.continual.train.Evaluator;
import io.clipstream.continual.train.IncrementTrainer;
import io.clipstream.continual.train.TrainConfig;
import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.contracts.TrainingRun.State;
import io.clipstream.registry.ExpertSet;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionRecord;
import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.ledger.Anchors;
import io.clipstream.trainer.ledger.LedgerState;
import io.clipstream.trainer.ledger.LedgerStore;
import io.clipstream.trainer.ledger.PairRef;
import io.clipstream.trainer.ledger.PendingPairs;
import io.clipstream.trainer.ledger.Quarantine;
import io.clipstream.trainer.lock.LeaseRenewal;
import io.clipstream.trainer.lock.RunLock;
import io.clipstream.trainer.metrics.TrainerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * One training run of a model, start to end: take the lock, take the waiting pairs, materialise them (new pairs
 * minus their held-out anchors, a domain-balanced replay sample, every domain's anchors), load the base checkpoint
 * with the champion's adapter, train the increment with the engine's guards, evaluate every domain on its
 * anchors, gate against the champion (WiSE-FT before rejecting), and promote (registry, then the announcement) or
 * reject. Every step is reported on training.runs; whatever happens, the lock is released and the ledger only moves
 * past pairs a finished run took.
 */
public final class TrainingRunner implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TrainingRunner.class);
    /** The order a run's pairs train in: by content, whatever order they arrived in. */
    private static final Comparator<PairRef> CONTENT_ORDER = Comparator.comparing(PairRef::sha256)
            .thenComparingInt(PairRef::partition)
            .thenComparingLong(PairRef::offset);

    private static final int INFERENCE_BATCH = 64;

    private final TrainerConfig cfg;
    private final Registry registry;
    private final Announcer announcer;
    private final RunEvents events;
    private final RunLock lock;
    private final LedgerStore ledgerStore;
    private final Quarantine quarantine;
    private final PairSets sets;
    private final PendingPairs pending;
    private final Materialiser materialiser;
    private final ArrivalPrefetcher arrivals;
    private final TrainerMetrics metrics;
    private final Clock clock;
    private final String bucket;
    private final String curatedTopic;
    /** The base as the last warm-up downloaded it; null until one did. */
    private volatile ModelVersion.BasePin warmBase;

    private final ChampionBaselines baselines = new ChampionBaselines();
    private final ChampionEmbeddings ahead = new ChampionEmbeddings();
    /** The stored anchors as the last run left them (null: read them again), for embedding ahead. */
    private Map<String, List<PairRef>> anchorsAsStored;

    private final Evaluator evaluator;
    /** The last holder a run found in the lock, so that waiting for it is said once. */
    private volatile String lastHolderSeen;

    public TrainingRunner(
            TrainerConfig cfg,
            Registry registry,
            Announcer announcer,
            RunEvents events,
            RunLock lock,
            LedgerStore ledgerStore,
            PairSets sets,
            Quarantine quarantine,
            PendingPairs pending,
            Materialiser materialiser,
            TrainerMetrics metrics,
            Clock clock,
            String bucket,
            String curatedTopic) {
        this.cfg = cfg;
        this.registry = registry;
        this.announcer = announcer;
        this.events = events;
        this.lock = lock;
        this.ledgerStore = ledgerStore;
        this.sets = sets;
        this.quarantine = quarantine;
        this.pending = pending;
        this.materialiser = materialiser;
        this.arrivals = new ArrivalPrefetcher(materialiser);
        this.metrics = metrics;
        this.clock = clock;
        this.bucket = bucket;
        this.curatedTopic = curatedTopic;
        this.evaluator = Evaluator.forPairs(ClassPrompts.of(cfg.classes(), ClassPrompts.DEFAULT_TEMPLATES));
    }

    /** How a run ended. */
    public record Outcome(String runId, State state, Integer version, List<String> reasons) {}

    /** Where a run is; builds its events. */
    private final class Run {
        final String id;
        final TrainingRun.Trigger trigger;
        final int attempt;
        String device;
        final List<TrainingRun.SkippedPair> skipped = new ArrayList<>();

        Run(String id, TrainingRun.Trigger trigger, int attempt) {
            this.id = id;
            this.trigger = trigger;
            this.attempt = attempt;
        }

        TrainingRun event(
                State state,
                TrainingRun.Progress progress,
                Map<String, Map<String, Double>> m,
                List<String> reasons,
                Integer version,
                Map<String, Integer> perDomain,
                TrainingRun.Timings timings,
                String error) {
            return new TrainingRun(
                    TrainingRun.SCHEMA_VERSION,
                    id,
                    cfg.model(),
                    state,
                    trigger,
                    attempt,
                    device,
                    progress,
                    m,
                    reasons,
                    skipped,
                    version,
                    perDomain,
                    timings,
                    error,
                    clock.instant());
        }
    }

    /**
     * Pairs the feed has just read: their images are fetched now, on a thread of their own (see {@link
     * ArrivalPrefetcher}).
     */
    public void arrived(List<PairRef> refs) {
        arrivals.accept(refs);
    }

    /**
     * Between runs: the base checkpoint (until it is local once; each run checks it again) and the images of the
     * pairs that wait, {@code max} at a time, into the local caches, so that the run they trigger reads local files;
     * then the champion's embeddings of the waiting anchors, {@code max} at a time, so that the run finds its
     * baseline nearly measured. Best effort: whatever fails here is done (or reported) by the run itself.
     */
    public void warm(int max) {
        try {
            if (warmBase == null) {
                warmBase = registry.downloadBase(cfg.workDir().resolve("base"));
            }
            PendingPairs.Snapshot snap = pending.snapshot();
            int fetched = materialiser.prefetch(snap.pairs(), max);
            if (fetched > 0) {
                LOG.debugf("prefetched %d images of waiting pairs", fetched);
            }
            int embedded = cfg.embedAhead() && !strategy().routed() ? embedAhead(snap, max) : 0;
            if (embedded > 0) {
                LOG.debugf("embedded %d waiting anchors with the champion", embedded);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("warming the caches failed (the next run fetches what it needs): %s", e.getMessage());
        }
    }

    /**
     * The champion's embeddings of the anchors a run of the waiting pairs would measure it on: the domains with
     * waiting anchors, their stored anchors and the waiting ones, those not embedded yet, at most {@code max}.
     */
    private int embedAhead(PendingPairs.Snapshot snap, int max) throws IOException {
        Optional<ModelVersion> announced = announcer.latest(cfg.model());
        int champion = announced.map(ModelVersion::version).orElse(0);
        Map<String, List<PairRef>> waiting = new LinkedHashMap<>();
        for (PairRef r : snap.pairs()) {
            if (Anchors.isAnchor(r.sha256(), cfg.anchorShare()) && !ahead.has(champion, r.sha256())) {
                waiting.computeIfAbsent(r.domain(), d -> new ArrayList<>()).add(r);
            }
        }
        // loaded before anchors wait: loading it when a burst arrives took the time the burst's run then spent
        // measuring the champion itself
        if (!ahead.holds(champion)) {
            ModelVersion.BasePin pinned = announced.map(ModelVersion::basePin).orElse(null);
            if (pinned != null && !pinned.equals(warmBase)) {
                return 0;
            } // the run itself says why it cannot load the champion
            Path championDir = null;
            if (champion > 0) {
                championDir = cfg.workDir().resolve("versions").resolve(String.valueOf(champion));
                registry.download(champion, announced.get().adapterSha256(), championDir);
            }
            Device device = DeviceChoice.choose(
                            "clipstream.trainer.train.device", cfg.train().device())
                    .device();
            ahead.hold(champion, cfg.workDir().resolve("base"), championDir, device);
        }
        if (waiting.isEmpty()) {
            return 0;
        }
        if (anchorsAsStored == null) {
            anchorsAsStored = sets.anchors();
        }
        Map<String, List<PairRef>> stored = new LinkedHashMap<>(anchorsAsStored);
        stored.keySet().retainAll(waiting.keySet());
        Map<String, List<Sample>> todo = new LinkedHashMap<>();
        int left = max;
        for (Map.Entry<String, List<PairRef>> e :
                PairSets.merge(stored, waiting).entrySet()) {
            List<PairRef> refs = e.getValue().stream()
                    .filter(r -> !ahead.has(champion, r.sha256()))
                    .limit(left)
                    .toList();
            List<Sample> samples = materialiser.load(refs, skipped -> {});
            if (!samples.isEmpty()) {
                todo.put(e.getKey(), samples);
            }
            left -= refs.size();
            if (left <= 0) {
                break;
            }
        }
        ahead.embed(todo, evaluator);
        return max - Math.max(left, 0);
    }

    @Override
    public void close() {
        arrivals.close();
        ahead.close();
    }

    /** Emits FAILED for a run that died with its process (its lease expired in the lock); the lock is not touched. */
    public void failInterrupted(RunLock.Holder h) {
        Run r = new Run(h.runId(), h.trigger(), h.attempt());
        events.emit(r.event(
                State.FAILED,
                null,
                null,
                List.of("the trainer stopped during the run"),
                null,
                null,
                null,
                "run " + h.runId() + " (attempt " + h.attempt() + ") was interrupted: its trainer (" + h.owner()
                        + ") stopped before it finished"));
        metrics.runOutcome("failed");
    }

    /**
     * Runs once; null when no pair waits, another run's lease on the lock is valid, or another trainer's run took the
     * pairs that waited. {@code underLock} runs first once the lock is held (the scheduler announces what was published
     * but not announced); then the ledger, as another trainer may have moved it, cuts the waiting pairs, and the run
     * takes what is left.
     */
    public Outcome run(String runId, TrainingRun.Trigger trigger, int attempt, Runnable underLock) {
        if (pending.size() == 0 && !retryAsked()) {
            return null;
        }
        RunLock.Acquired got = lock.acquire(runId, attempt, trigger);
        if (got instanceof RunLock.HeldBy held) {
            noteLockHeld("run " + runId, held.holder());
            return null;
        }
        ((RunLock.Taken) got).previous().ifPresent(dead -> {
            LOG.warnf("took over the run lock from %s: its lease expired, the run died with its trainer", dead);
            failInterrupted(dead);
        });
        lastHolderSeen = null;
        Run run = new Run(runId, trigger, attempt);
        Path work = cfg.workDir().resolve("runs").resolve(runId);
        metrics.active(true);
        try (LeaseRenewal lease = LeaseRenewal.start(lock, runId)) {
            underLock.run();
            LedgerState ledger = ledgerStore.load();
            pending.cut(ledger.next());
            if (ledger.runs() < LedgerStore.runNumber(runId)) {
                ledgerStore.save(ledger.withRuns(LedgerStore.runNumber(runId)));
            }
            PendingPairs.Snapshot snap = pending.snapshot();
            if (snap.pairs().isEmpty() && !retryAsked()) {
                LOG.infof("%s does not start: no pair waits (another trainer's run may have taken them)", runId);
                return null;
            }
            try {
                DeviceChoice.Choice device = DeviceChoice.choose(
                        "clipstream.trainer.train.device", cfg.train().device());
                run.device = device.label();
                metrics.device(device.label());
                events.emit(run.event(State.STARTED, null, null, null, null, snap.perDomain(), null, null));
                return execute(run, snap, device, work, lease);
            } catch (Exception | Error e) {
                LOG.errorf(e, "run %s failed", runId);
                String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
                events.emit(run.event(State.FAILED, null, null, List.of(msg), null, snap.perDomain(), null, msg));
                metrics.runOutcome("failed");
                return new Outcome(runId, State.FAILED, null, List.of(msg));
            }
        } finally {
            lock.release();
            metrics.active(false);
            deleteQuietly(work);
        }
    }

    /** Says once per holder that a run waits for another one's lock (and counts every time). */
    public void noteLockHeld(String wanted, RunLock.Holder holder) {
        metrics.lockHeld();
        String who = holder == null ? "a run that just took it" : holder.toString();
        if (who.equals(lastHolderSeen)) {
            return;
        }
        lastHolderSeen = who;
        LOG.warnf(
                "%s of %s does not start: the run lock is held by %s; it starts once that run ends or its lease "
                        + "expires",
                wanted, cfg.model(), who);
    }

    private Outcome execute(
            Run run, PendingPairs.Snapshot snap, DeviceChoice.Choice device, Path work, LeaseRenewal lease)
            throws IOException {
        long t0 = System.nanoTime();
        anchorsAsStored = null; // whatever this run ends with, the next warm-up reads them again
        LedgerState ledger = ledgerStore.load();
        Map<String, List<PairRef>> freshTrain = new LinkedHashMap<>();
        Map<String, List<PairRef>> freshAnchors = new LinkedHashMap<>();
        for (PairRef r : snap.pairs()) {
            (Anchors.isAnchor(r.sha256(), cfg.anchorShare()) ? freshAnchors : freshTrain)
                    .computeIfAbsent(r.domain(), d -> new ArrayList<>())
                    .add(r);
        }
        Set<String> released = takeBackQuarantined(freshTrain, freshAnchors.keySet());
        // a run learns from its pairs in the order of their content, not of their arrival (the partitions of
        // pairs.curated interleave as they will): the same pairs train the same weights
        freshTrain.replaceAll(
                (d, refs) -> new ArrayList<>(refs.stream().sorted(CONTENT_ORDER).toList()));
        Map<String, List<PairRef>> storedAnchors = sets.anchors();
        Map<String, List<PairRef>> anchorRefs = PairSets.merge(storedAnchors, freshAnchors);

        // materialise
        Path baseDir = cfg.workDir().resolve("base");
        Optional<ModelVersion> champion = announcer.latest(cfg.model());
        warmBase = null; // the local base changes now: nothing is embedded ahead on it until it is checked
        ModelVersion.BasePin base = registry.downloadBase(
                baseDir,
                champion.map(ModelVersion::basePin).orElse(null),
                champion.map(v -> "v" + v.version()).orElse(null));
        warmBase = base;
        Path championDir = null;
        if (champion.isPresent()) {
            championDir = cfg.workDir()
                    .resolve("versions")
                    .resolve(String.valueOf(champion.get().version()));
            registry.download(champion.get().version(), champion.get().adapterSha256(), championDir);
        }
        Materialiser.Sources before = materialiser.sources();
        Map<String, List<Sample>> train = load(freshTrain, run);
        Map<String, List<Sample>> anchors = load(anchorRefs, run);
        Map<String, PairSets.Reservoir> reservoirs = sets.reservoirs();
        Map<String, List<Sample>> replay = load(replaySample(reservoirs, freshTrain.keySet(), ledger.runs()), run);
        run.skipped.forEach(s -> metrics.skipped(s.reason()));
        double materialise = seconds(t0);
        metrics.phase("materialise", materialise);
        LOG.infof(
                "%s materialised in %.2f s: images %s",
                run.id, materialise, materialiser.sources().since(before));

        ModelVersion.DataWindow window = window(ledger, snap);
        if (train.isEmpty()) {
            sets.addAnchors(storedAnchors, freshAnchors);
            finish(ledger, snap, false);
            List<String> reasons = List.of(
                    "no pairs to train on: all " + snap.pairs().size() + " were held out as anchors or skipped");
            events.emit(run.event(
                    State.REJECTED,
                    null,
                    null,
                    reasons,
                    null,
                    snap.perDomain(),
                    new TrainingRun.Timings(materialise, 0, 0, 0),
                    null));
            metrics.runOutcome("rejected");
            return new Outcome(run.id, State.REJECTED, null, reasons);
        }

        long tLoad = System.nanoTime();
        ClipModel model;
        try {
            model = ClipModel.load(baseDir, device.device());
        } catch (IOException | RuntimeException e) {
            throw new IOException(
                    "the base checkpoint " + registry.layout().base() + " does not load: " + e.getMessage(), e);
        }
        long[] evalStart = {0};
        double baselineSeconds;
        Evaluator.Measured promotedMeasured;
        Map<String, List<Sample>> decisionAnchors = new LinkedHashMap<>(anchors);
        List<ContinualLearner.IncrementReport> reports;
        Strategy strategy = strategy();
        Path staged = work.resolve("staged");
        try (model) {
            model.setBatchSize(INFERENCE_BATCH);
            // a routed learner loads its experts itself, on a model that carries none
            if (championDir != null && !strategy.routed()) {
                model.loadAdapter(championDir);
            }
            long[] lastProgress = {0};
            Precision precision = Precision.parse(cfg.train().precision(), device.device());
            IncrementTrainer trainer = new IncrementTrainer(Captioner.fixed(), evaluator, false)
                    .log(m -> LOG.infof("%s%s", run.id, m))
                    .precision(precision)
                    .onStep(step -> {
                        metrics.progress(step.samplesPerSecond(), step.loss(), step.lossScale(), step.skippedSteps());
                        long now = System.nanoTime();
                        if (now - lastProgress[0] >= cfg.progressEvery().toNanos()
                                || step.step() == step.totalSteps()) {
                            lastProgress[0] = now;
                            events.emit(run.event(
                                    State.PROGRESS,
                                    new TrainingRun.Progress(
                                            step.step(),
                                            step.totalSteps(),
                                            Double.isFinite(step.loss()) ? step.loss() : 0,
                                            step.samplesPerSecond(),
                                            step.etaSeconds(),
                                            step.precision().label(),
                                            step.lossScale(),
                                            step.skippedSteps()),
                                    null,
                                    null,
                                    null,
                                    null,
                                    null,
                                    null));
                        }
                    });
            ReplayBuffer<String, Sample> buffer = new ReplayBuffer<>(
                    Math.max(1, cfg.replay().perDomainPerRun()),
                    new Random(cfg.train().seed()));
            replay.forEach((d, s) ->
                    buffer.restore(d, s.subList(0, Math.min(s.size(), buffer.capacityPerDomain())), s.size()));
            EvaluationGate gate = new EvaluationGate(new GateConfig(
                    cfg.gate().maxDropPoints(),
                    cfg.gate().newDomainTolerancePoints(),
                    cfg.gate().minNewDomainValue(),
                    cfg.gate().metrics(),
                    cfg.gate().maxRelativeDrop(),
                    cfg.gate().minNewDomainGainPoints(),
                    cfg.gate().minGainStandardErrors(),
                    cfg.gate().pairedZ(),
                    0));
            VersionPublisher stage = (m, p) -> {
                deleteQuietly(staged); // each promotion of the run stages the whole version again
                if (p.experts() != null) {
                    return new VersionPublisher.Published(
                            staged, m.directory(), null, p.experts().write(m, staged, run.id, null));
                }
                m.saveAdapter(staged);
                return new VersionPublisher.Published(staged, m.directory(), staged);
            };
            try (ContinualLearner learner = new ContinualLearner(
                            model,
                            strategy,
                            trainConfig(ledger.runs()),
                            trainer,
                            evaluator,
                            gate,
                            cfg.baseDomain(),
                            buffer,
                            cfg.train().seed(),
                            stage)
                    .reportMetrics(Evaluator.ALL)
                    .log(m -> LOG.infof("%s%s", run.id, m))) {
                learner.onEvaluating(() -> {
                    evalStart[0] = System.nanoTime();
                    events.emit(run.event(State.EVALUATING, null, null, null, null, null, null, null));
                });
                List<String> learned = new ArrayList<>(storedAnchors.keySet());
                long tBaseline = System.nanoTime();
                // a domain whose every pair was held out as an anchor this run has arrived but is not trained on: its
                // anchors wait for the run that learns it (no decision reads a domain that is not learned or learnt
                // now)
                decisionAnchors
                        .keySet()
                        .removeIf(d -> !learned.contains(d) && !train.containsKey(d) && !d.equals(cfg.baseDomain()));
                int championVersion = champion.map(ModelVersion::version).orElse(0);
                Evaluator.Measured known = ahead.complete(
                        championVersion,
                        decisionAnchors,
                        baselines.reusable(championVersion, decisionAnchors),
                        evaluator);
                if (!strategy.routed()) {
                    learner.resume(learned, decisionAnchors, championDir, known);
                } else if (championDir != null && ExpertSet.isIn(championDir)) {
                    learner.resumeRouted(championDir, learned, decisionAnchors, known);
                } else {
                    learner.resumeRoutedFromAdapter(
                            championDir,
                            champion.map(ModelVersion::version).orElse(null),
                            learned,
                            decisionAnchors,
                            known);
                }
                baselineSeconds = seconds(tBaseline);
                reports = learner.incrementEach(baseDomainFirst(train), decisionAnchors);
                promotedMeasured = learner.promotedMeasured();
            }
        }
        // loading the model counts as training; evaluating the champion (the baseline) as evaluation
        double trainSeconds = (evalStart[0] - tLoad) / 1e9 - baselineSeconds;
        double evaluate = seconds(evalStart[0]) + baselineSeconds;
        metrics.phase("train", trainSeconds);
        metrics.phase("evaluate", evaluate);
        RunDecision decided = RunDecision.of(reports);
        reports.forEach(r -> metrics.gateDecision(r.decision().blessed()));

        long tPub = System.nanoTime();
        // each rejected domain's training pairs wait in the quarantine (one adapter: the gate decides for the run, so
        // that is every domain of a rejected run)
        for (String d : decided.rejectedDomains()) {
            List<PairRef> refs = freshTrain.get(d);
            if (refs != null) {
                metrics.quarantined(
                        d,
                        quarantine
                                .hold(d, refs, run.id, decided.reasonsOf(d), clock.instant())
                                .pairs()
                                .size());
            }
        }
        if (!decided.promoted()) {
            Map<String, List<PairRef>> routingOnly = toReservoirs(train, freshTrain, decided, strategy);
            if (!routingOnly.isEmpty()) {
                sets.offerToReplay(
                        reservoirs,
                        routingOnly,
                        cfg.replay().capacityPerDomain(),
                        cfg.train().seed() + ledger.runs());
            }
            baselines.remember(champion.map(ModelVersion::version).orElse(0), decisionAnchors, promotedMeasured);
            sets.addAnchors(storedAnchors, freshAnchors);
            finish(ledger, snap, false);
            double publish = seconds(tPub);
            metrics.phase("publish", publish);
            metrics.runOutcome("rejected");
            events.emit(run.event(
                    State.REJECTED,
                    null,
                    decided.candidateAnchors(),
                    decided.reasons(),
                    null,
                    snap.perDomain(),
                    new TrainingRun.Timings(materialise, trainSeconds, evaluate, publish),
                    null));
            return new Outcome(run.id, State.REJECTED, null, decided.reasons());
        }
        Instant now = clock.instant();
        VersionRecord draft = new VersionRecord(
                cfg.model(),
                0,
                champion.map(ModelVersion::version).orElse(null),
                registry.layout().base(),
                base,
                null,
                window,
                decided.promotedAnchors(),
                decided.baseline(),
                decided.gate(),
                strategy.name(),
                run.id,
                run.device,
                now);
        sets.addAnchors(storedAnchors, freshAnchors);
        sets.offerToReplay(
                reservoirs,
                toReservoirs(train, freshTrain, decided, strategy),
                cfg.replay().capacityPerDomain(),
                cfg.train().seed() + ledger.runs());
        lease.ensureHeld();
        VersionRecord rec = registry.publish(staged, draft);
        baselines.remember(rec.version(), decisionAnchors, promotedMeasured);
        ahead.close(); // its weights are no longer the champion's
        released.stream().filter(decided.promotedDomains()::contains).forEach(d -> {
            quarantine.drop(d);
            metrics.quarantined(d, 0);
        });
        finish(ledger, snap, true);
        announcer.announce(
                rec.announcement(ModelVersion.Announcement.PROMOTED, rec.version(), bucket, clock.instant()));
        double publish = seconds(tPub);
        metrics.phase("publish", publish);
        metrics.runOutcome("promoted");
        metrics.promotedAt(now);
        metrics.champion(rec.version(), rec.metrics());
        events.emit(run.event(
                State.PROMOTED,
                null,
                rec.metrics(),
                decided.reasons(),
                rec.version(),
                snap.perDomain(),
                new TrainingRun.Timings(materialise, trainSeconds, evaluate, publish),
                null));
        LOG.infof(
                "run %s promoted %s v%d (%s)%s",
                run.id,
                cfg.model(),
                rec.version(),
                decided.gate().chosen(),
                decided.reasons().isEmpty() ? "" : "; rejected " + decided.reasons());
        return new Outcome(run.id, State.PROMOTED, rec.version(), List.of());
    }

    /**
     * Adds to {@code freshTrain} the quarantined pairs of the domains this run brings new pairs of, and of those an
     * operator asked to retry; returns those domains.
     */
    private Set<String> takeBackQuarantined(Map<String, List<PairRef>> freshTrain, Set<String> freshAnchorDomains) {
        Map<String, Quarantine.Entry> held = quarantine.all();
        if (held.isEmpty()) {
            return Set.of();
        }
        Set<String> arriving = new java.util.HashSet<>(freshTrain.keySet());
        arriving.addAll(freshAnchorDomains);
        Set<String> released = Quarantine.releasable(held, arriving);
        for (String d : released) {
            List<PairRef> refs = new ArrayList<>(freshTrain.getOrDefault(d, List.of()));
            Set<String> have = new java.util.HashSet<>();
            refs.forEach(r -> have.add(r.partition() + "@" + r.offset()));
            for (PairRef r : held.get(d).pairs()) {
                if (have.add(r.partition() + "@" + r.offset())) {
                    refs.add(r);
                }
            }
            freshTrain.put(d, refs);
            LOG.infof(
                    "takes back %d quarantined pairs of %s (rejected by %s)",
                    held.get(d).pairs().size(), d, held.get(d).runId());
        }
        return released;
    }

    /**
     * An operator asked that some domain's quarantined pairs be retried: a run takes them even when no new pair waits.
     */
    private boolean retryAsked() {
        return quarantine.all().values().stream().anyMatch(Quarantine.Entry::retryRequested);
    }

    /** Quarantined pairs per domain, as metrics (at start-up). */
    public void reportQuarantine() {
        quarantine.all().forEach((d, e) -> metrics.quarantined(d, e.pairs().size()));
    }

    /** Moves the ledger past the run's window and drops its pairs from the waiting set. */
    private void finish(LedgerState ledger, PendingPairs.Snapshot snap, boolean promoted) {
        ledgerStore.save(ledger.advancedTo(snap.readUpTo()).finished(clock.instant(), promoted));
        pending.cut(snap.readUpTo());
    }

    private ModelVersion.DataWindow window(LedgerState ledger, PendingPairs.Snapshot snap) {
        Map<Integer, ModelVersion.OffsetRange> parts = new TreeMap<>();
        snap.readUpTo()
                .forEach((p, to) -> parts.put(p, new ModelVersion.OffsetRange(Math.min(ledger.next(p), to), to)));
        return new ModelVersion.DataWindow(curatedTopic, parts, snap.perDomain());
    }

    /**
     * The pairs of this run that join their domain's replay reservoir ({@link RunDecision#reservoirDomains}), as
     * loaded.
     */
    private Map<String, List<PairRef>> toReservoirs(
            Map<String, List<Sample>> train,
            Map<String, List<PairRef>> freshTrain,
            RunDecision decided,
            Strategy strategy) {
        Map<String, List<PairRef>> out = new LinkedHashMap<>();
        for (String d : decided.reservoirDomains(train.keySet(), strategy.routed(), cfg.baseDomain())) {
            Set<String> loaded = new java.util.HashSet<>();
            train.get(d).forEach(x -> loaded.add(x.id()));
            out.put(
                    d,
                    freshTrain.get(d).stream()
                            .filter(r -> loaded.contains(r.sha256()))
                            .toList());
        }
        return out;
    }

    /**
     * The base domain's pairs first: a routed learner tells every other domain from it, so it learns it before them.
     */
    private Map<String, List<Sample>> baseDomainFirst(Map<String, List<Sample>> train) {
        Map<String, List<Sample>> out = new LinkedHashMap<>();
        if (train.containsKey(cfg.baseDomain())) {
            out.put(cfg.baseDomain(), train.get(cfg.baseDomain()));
        }
        out.putAll(train);
        return out;
    }

    /** A seeded, domain-balanced sample of the replay reservoirs of the domains this run does not bring. */
    private Map<String, List<PairRef>> replaySample(
            Map<String, PairSets.Reservoir> reservoirs, java.util.Set<String> newDomains, int runNumber) {
        Map<String, List<PairRef>> out = new LinkedHashMap<>();
        reservoirs.forEach((d, r) -> {
            if (newDomains.contains(d) || r.items().isEmpty()) {
                return;
            }
            List<PairRef> items = new ArrayList<>(r.items());
            items.sort(Comparator.comparing(PairRef::sha256));
            Collections.shuffle(items, new Random(cfg.train().seed() + runNumber));
            out.put(d, items.subList(0, Math.min(items.size(), cfg.replay().perDomainPerRun())));
        });
        return out;
    }

    private Map<String, List<Sample>> load(Map<String, List<PairRef>> refs, Run run) throws IOException {
        Map<String, List<Sample>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<PairRef>> e : refs.entrySet()) {
            List<Sample> s = materialiser.load(e.getValue(), run.skipped::add);
            if (!s.isEmpty()) {
                out.put(e.getKey(), s);
            }
        }
        return out;
    }

    private Strategy strategy() {
        Strategy s = Strategy.named(cfg.train().strategy());
        if (s.joint() || s.mergeFresh()) {
            throw new IllegalArgumentException(
                    "clipstream.trainer.train.strategy " + s.name() + ": joint and merge-fresh need every"
                            + " earlier domain's pairs or a merged base, which the trainer does not keep");
        }
        return s;
    }

    private TrainConfig trainConfig(int runNumber) {
        return TrainConfig.defaults()
                .withEpochs(cfg.train().epochs())
                .withMaxSteps(cfg.train().maxSteps())
                .withBatchSize(cfg.train().batchSize())
                .withLr(cfg.train().lr())
                .withSeed(cfg.train().seed() + runNumber)
                .withPatience(0);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover staging directory is overwritten by the next run of the same id
        }
    }
}
