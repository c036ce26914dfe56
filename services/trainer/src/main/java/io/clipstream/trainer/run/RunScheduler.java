package io.clipstream.trainer.run;

import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.ledger.CuratedFeed;
import io.clipstream.trainer.ledger.LedgerState;
import io.clipstream.trainer.ledger.LedgerStore;
import io.clipstream.trainer.ledger.PendingPairs;
import io.clipstream.trainer.metrics.TrainerMetrics;
import io.clipstream.trainer.registry.Announcer;
import io.clipstream.registry.Registry;
import io.clipstream.trainer.registry.RunLock;
import io.clipstream.registry.VersionRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Starts the trainer where the last one stopped, then decides when runs happen. At start: a lock left behind is a
 * run that died with its process (it ends FAILED and is retried); a version whose manifest exists but whose
 * announcement does not is announced (exactly once: the last announcement says how far announcing got); the feed
 * reads pairs.curated from the ledger's position. Then, on one thread, the triggers are checked every few seconds
 * and a run executes when one fires; a failed run is retried after a back-off, up to the configured attempts. In the
 * run-once mode ({@link #runOnce}) there is one run after the recovery, and the process ends.
 */
public final class RunScheduler implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RunScheduler.class);
    /** Images of waiting pairs fetched per trigger check at most, so that a check never holds up the next one long. */
    private static final int PREFETCH_PER_CHECK = 512;

    private final TrainerConfig cfg;
    private final TrainingRunner runner;
    private final RunLock lock;
    private final LedgerStore ledgerStore;
    private final Registry registry;
    private final Announcer announcer;
    private final CuratedFeed feed;
    private final PendingPairs pending;
    private final TrainerMetrics metrics;
    private final Clock clock;
    private final String bucket;
    private final Triggers triggers;
    private final AtomicBoolean manual = new AtomicBoolean();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainer-runs");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant lastRunAt;
    private volatile Retry retry;
    private volatile boolean started;

    private record Retry(String runId, int attempt, Instant at) {}

    public RunScheduler(TrainerConfig cfg, TrainingRunner runner, RunLock lock, LedgerStore ledgerStore, Registry registry,
                        Announcer announcer, CuratedFeed feed, PendingPairs pending, TrainerMetrics metrics, Clock clock, String bucket) {
        this.cfg = cfg;
        this.runner = runner;
        this.lock = lock;
        this.ledgerStore = ledgerStore;
        this.registry = registry;
        this.announcer = announcer;
        this.feed = feed;
        this.pending = pending;
        this.metrics = metrics;
        this.clock = clock;
        this.bucket = bucket;
        this.triggers = new Triggers(cfg.trigger().count(), cfg.trigger().interval(), cfg.trigger().minPairs());
    }

    /** The service mode: recovery, then the trigger checks every {@code trigger.check-every}. */
    public void start() {
        recover();
        long every = cfg.trigger().checkEvery().toMillis();
        loop.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
        started = true;
    }

    /**
     * The run-once mode: recovery, the feed read up to the topic's end as it was, then one run of what waits: the
     * retry of a run that died with its process, else a new run (trigger MANUAL) when at least {@code trigger.min-pairs}
     * wait. Returns the run's end state; empty when nothing waited.
     */
    public Optional<TrainingRun.State> runOnce(java.time.Duration patience) throws InterruptedException {
        recover();
        started = true;
        long deadline = System.nanoTime() + patience.toNanos();
        while (!feed.caughtUp()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("pairs.curated not read to its end within " + patience);
            Thread.sleep(100);
        }
        Retry r = retry;
        if (r != null) {
            retry = null;
            return Optional.of(runner.run(r.runId(), TrainingRun.Trigger.RETRY, r.attempt()).state());
        }
        if (pending.size() < Math.max(1, cfg.trigger().minPairs())) {
            LOG.infof("run once: %d pairs wait, fewer than trigger.min-pairs (%d): nothing to train", pending.size(), cfg.trigger().minPairs());
            return Optional.empty();
        }
        LedgerState ledger = ledgerStore.load();
        int number = ledger.runs() + 1;
        ledgerStore.save(ledger.withRuns(number));
        TrainingRunner.Outcome o = runner.run(cfg.model() + "-run-" + number, TrainingRun.Trigger.MANUAL, 1);
        return Optional.ofNullable(o).map(TrainingRunner.Outcome::state);
    }

    private void recover() {
        Optional<RunLock.Holder> held = lock.holder();
        held.ifPresent(h -> {
            LOG.warnf("run %s (attempt %d) was interrupted by a stop of the trainer: it ends FAILED and is retried", h.runId(), h.attempt());
            runner.failInterrupted(h);
            retry = new Retry(h.runId(), h.attempt() + 1, clock.instant());
        });
        LedgerState ledger = announceUnannounced(ledgerStore.load());
        lastRunAt = ledger.lastRunAt() != null ? ledger.lastRunAt() : clock.instant();
        if (ledger.lastPromotedAt() != null) metrics.promotedAt(ledger.lastPromotedAt());
        announcer.latest(cfg.model()).ifPresent(v -> metrics.champion(v.version(), v.metrics()));
        feed.start(ledger);
    }

    /**
     * Versions above the last announcement's {@code latestVersion} have a manifest but no announcement: the trainer
     * stopped between the two. Announce them in order, and move the ledger past their data windows.
     */
    private LedgerState announceUnannounced(LedgerState ledger) {
        int announced = announcer.latest(cfg.model()).map(ModelVersion::latestVersion).orElse(0);
        LedgerState out = ledger;
        for (int n : registry.versions()) {
            if (n <= announced) continue;
            VersionRecord rec = registry.read(n).orElseThrow();
            Map<Integer, Long> ends = new TreeMap<>();
            rec.dataWindow().partitions().forEach((p, r) -> ends.put(p, r.to()));
            out = out.advancedTo(ends).finished(rec.createdAt(), true);
            ledgerStore.save(out);
            announcer.announce(rec.announcement(ModelVersion.Announcement.PROMOTED, n, bucket, clock.instant()));
            LOG.infof("announced %s v%d, published before the trainer stopped", cfg.model(), n);
        }
        return out;
    }

    private void tick() {
        try {
            metrics.refreshWaiting();
            Instant now = clock.instant();
            Retry r = retry;
            // a retry waits until the feed has read the pairs again (right after a restart it has not yet)
            if (r != null && !now.isBefore(r.at()) && pending.size() > 0) {
                retry = null;
                execute(r.runId(), TrainingRun.Trigger.RETRY, r.attempt());
                return;
            }
            Optional<TrainingRun.Trigger> t = triggers.decide(pending.size(), lastRunAt, now, manual.get());
            if (t.isEmpty()) {
                runner.warm(PREFETCH_PER_CHECK);
                return;
            }
            manual.set(false);
            LedgerState ledger = ledgerStore.load();
            int number = ledger.runs() + 1;
            ledgerStore.save(ledger.withRuns(number));
            execute(cfg.model() + "-run-" + number, t.get(), 1);
        } catch (RuntimeException e) {
            LOG.errorf(e, "trigger check failed; the next check tries again");
        }
    }

    private void execute(String runId, TrainingRun.Trigger trigger, int attempt) {
        TrainingRunner.Outcome o = runner.run(runId, trigger, attempt);
        if (o == null) return;
        lastRunAt = clock.instant();
        if (o.state() == TrainingRun.State.FAILED && attempt < cfg.trigger().maxAttempts()) {
            retry = new Retry(runId, attempt + 1, clock.instant().plus(cfg.trigger().retryBackoff()));
        }
    }

    /** An operator asked for a run: it starts at the next check if any pair waits. */
    public boolean requestRun() {
        if (pending.size() == 0) return false;
        manual.set(true);
        return true;
    }

    public boolean ready() {
        return started && feed.assigned();
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
        runner.close();
    }
}
