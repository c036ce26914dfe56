package io.clipstream.trainer.run;

import io.clipstream.contracts.ModelVersion;
import io.clipstream.contracts.Shutdown;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.registry.Registry;
import io.clipstream.registry.VersionRecord;
import io.clipstream.trainer.config.TrainerConfig;
import io.clipstream.trainer.ledger.CuratedFeed;
import io.clipstream.trainer.ledger.LedgerState;
import io.clipstream.trainer.ledger.LedgerStore;
import io.clipstream.trainer.ledger.PendingPairs;
import io.clipstream.trainer.lock.RunLock;
import io.clipstream.trainer.metrics.TrainerMetrics;
import java.time.Clock;
import java.time.Duration;
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
    /** An operator asked that quarantined pairs be retried: a run starts even when no new pair waits. */
    private final AtomicBoolean quarantineRetry = new AtomicBoolean();

    private final FailedChecks failedChecks;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trainer-runs");
        t.setDaemon(true);
        return t;
    });
    private volatile Instant lastRunAt;
    private volatile Retry retry;
    /** A lease found in the lock at start-up that was still valid: followed until released or expired. */
    private volatile RunLock.Holder awaitedLease;

    private volatile boolean started;

    private record Retry(String runId, int attempt, Instant at) {}

    public RunScheduler(
            TrainerConfig cfg,
            TrainingRunner runner,
            RunLock lock,
            LedgerStore ledgerStore,
            Registry registry,
            Announcer announcer,
            CuratedFeed feed,
            PendingPairs pending,
            TrainerMetrics metrics,
            Clock clock,
            String bucket) {
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
        this.triggers = new Triggers(
                cfg.trigger().count(), cfg.trigger().interval(), cfg.trigger().minPairs());
        this.failedChecks = new FailedChecks(cfg.trigger().maxFailedChecks());
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
     * retry of a run that died with its process, else a new run (trigger MANUAL) when at least {@code
     * trigger.min-pairs}
     * wait. Returns the run's end state; empty when nothing waited.
     */
    public Optional<TrainingRun.State> runOnce(Duration patience) throws InterruptedException {
        recover();
        started = true;
        long deadline = System.nanoTime() + patience.toNanos();
        while (!feed.caughtUp()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pairs.curated not read to its end within " + patience);
            }
            Thread.sleep(100);
        }
        // beside a live run of another trainer (the Job beside the Deployment) this one waits for the lock, as long as
        // its patience lasts, then refuses and names the holder
        String manualRunId = null;
        while (true) {
            followAwaitedLease();
            Retry r = retry;
            String runId;
            TrainingRun.Trigger trigger;
            int attempt;
            if (r != null) {
                runId = r.runId();
                trigger = TrainingRun.Trigger.RETRY;
                attempt = r.attempt();
            } else {
                if (pending.size() < Math.max(1, cfg.trigger().minPairs())) {
                    LOG.infof(
                            "run once: %d pairs wait, fewer than trigger.min-pairs (%d): nothing to train",
                            pending.size(), cfg.trigger().minPairs());
                    return Optional.empty();
                }
                runId = null;
                trigger = TrainingRun.Trigger.MANUAL;
                attempt = 1;
            }
            Optional<RunLock.Holder> holder = lock.holder().filter(h -> !h.expired(clock.instant()));
            if (holder.isEmpty()) {
                if (runId == null) {
                    if (manualRunId == null) {
                        manualRunId = cfg.model() + "-run-" + ledgerStore.claimRunNumber(lock.owner(), clock.instant());
                    }
                    runId = manualRunId;
                }
                retry = null;
                TrainingRunner.Outcome o =
                        runner.run(runId, trigger, attempt, () -> announceUnannounced(ledgerStore.load()));
                if (o != null || pending.size() == 0) {
                    return Optional.ofNullable(o).map(TrainingRunner.Outcome::state);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("run once: the run lock stayed held for " + patience + " by "
                        + holder.map(Object::toString).orElse("another run"));
            }
            Thread.sleep(1000);
        }
    }

    private void recover() {
        lock.holder().ifPresent(h -> {
            if (h.expired(clock.instant())) {
                takeOverDeadRun(h);
            } else {
                // a live run of another trainer (a Job beside the Deployment), or this trainer's predecessor whose
                // lease
                // has not run out yet: which one shows when the lease is released or expires
                LOG.infof("the run lock is held: %s; runs start once it is released or its lease expires", h);
                awaitedLease = h;
            }
        });
        // a live lease is a run of another trainer that may stand between its manifest and its announcement: it
        // announces
        // its own version, and any left unannounced is announced before the next run here (under the lease)
        boolean runElsewhere =
                lock.holder().filter(h -> !h.expired(clock.instant())).isPresent();
        LedgerState ledger = runElsewhere ? ledgerStore.load() : announceUnannounced(ledgerStore.load());
        lastRunAt = ledger.lastRunAt() != null ? ledger.lastRunAt() : clock.instant();
        if (ledger.lastPromotedAt() != null) {
            metrics.promotedAt(ledger.lastPromotedAt());
        }
        announcer.latest(cfg.model()).ifPresent(v -> metrics.champion(v.version(), v.metrics()));
        runner.reportQuarantine();
        feed.start(ledger);
    }

    /** True (and said) when a valid lease of another run is in the lock; an expired one does not count. */
    private boolean lockHeldElsewhere(String wanted) {
        Optional<RunLock.Holder> h = lock.holder().filter(x -> !x.expired(clock.instant()));
        h.ifPresent(x -> runner.noteLockHeld(wanted == null ? "the next run" : wanted, x));
        return h.isPresent();
    }

    /** A run whose lease expired died with its trainer: it ends FAILED, its lease is removed, and it is retried. */
    private void takeOverDeadRun(RunLock.Holder h) {
        LOG.warnf("%s was interrupted by a stop of its trainer (its lease expired): it ends FAILED and is retried", h);
        runner.failInterrupted(h);
        lock.breakExpired(h);
        retry = new Retry(h.runId(), h.attempt() + 1, clock.instant());
    }

    /** The lease found at start-up: released by a live owner (nothing to do), or expired (its run died). */
    private void followAwaitedLease() {
        RunLock.Holder h = awaitedLease;
        if (h == null) {
            return;
        }
        Optional<RunLock.Holder> now = lock.holder();
        if (now.isEmpty()
                || !now.get().runId().equals(h.runId())
                || !java.util.Objects.equals(now.get().owner(), h.owner())) {
            awaitedLease = null;
        } else if (now.get().expired(clock.instant())) {
            awaitedLease = null;
            takeOverDeadRun(now.get());
        }
    }

    /**
     * Versions above the last announcement's {@code latestVersion} have a manifest but no announcement: the trainer
     * stopped between the two, or the broker failed after MANIFEST.json. Announce them in order, and move the ledger
     * and the waiting pairs past their data windows. Runs at start-up and before every run, so that no run starts
     * from a champion older than the latest version.
     */
    private LedgerState announceUnannounced(LedgerState ledger) {
        // read again: another trainer (a Job beside this Deployment) may have announced since this one last read
        int announced =
                announcer.refresh(cfg.model()).map(ModelVersion::latestVersion).orElse(0);
        LedgerState out = ledger;
        for (int n : registry.versions()) {
            if (n <= announced) {
                continue;
            }
            VersionRecord rec = registry.read(n).orElseThrow();
            Map<Integer, Long> ends = new TreeMap<>();
            rec.dataWindow().partitions().forEach((p, r) -> ends.put(p, r.to()));
            out = out.advancedTo(ends).finished(rec.createdAt(), true);
            ledgerStore.save(out);
            pending.cut(ends);
            announcer.announce(rec.announcement(ModelVersion.Announcement.PROMOTED, n, bucket, clock.instant()));
            LOG.infof("announced %s v%d, published but not announced before", cfg.model(), n);
        }
        return out;
    }

    /**
     * One trigger check; whatever it throws is counted ({@link FailedChecks}, the liveness reads it) and the next check
     * tries again.
     */
    private void tick() {
        try {
            check();
            int failedBefore = failedChecks.passed();
            if (failedBefore > 0) {
                LOG.infof("trigger check passed after %d failed in a row", failedBefore);
            }
        } catch (Throwable e) {
            int n = failedChecks.failed(e);
            int max = cfg.trigger().maxFailedChecks();
            // a check runs every few seconds: the first failure of a streak is logged with its stack, the one that
            // turns the liveness DOWN once more, the others only at DEBUG
            if (n == 1) {
                LOG.errorf(e, "trigger check failed; the next check tries again");
            } else if (n == max) {
                LOG.errorf("%d trigger checks failed in a row: the liveness reports DOWN; the last: %s", n, e);
            } else {
                LOG.debugf("trigger check failed (%d in a row): %s", n, e);
            }
        }
    }

    private void check() {
        followAwaitedLease();
        metrics.refreshWaiting();
        Instant now = clock.instant();
        Retry r = retry;
        // a retry waits until the feed has read the pairs again (right after a restart it has not yet)
        if (r != null && !now.isBefore(r.at()) && pending.size() > 0) {
            if (lockHeldElsewhere(r.runId())) {
                return;
            }
            retry = null;
            execute(r.runId(), TrainingRun.Trigger.RETRY, r.attempt());
            return;
        }
        Optional<TrainingRun.Trigger> t = triggers.decide(pending.size(), lastRunAt, now, manual.get());
        if (t.isEmpty() && quarantineRetry.get()) {
            t = Optional.of(TrainingRun.Trigger.MANUAL);
        }
        if (t.isEmpty()) {
            runner.warm(PREFETCH_PER_CHECK);
            return;
        }
        // a run waits while another one's lease is valid: the trigger still holds at the next check
        if (lockHeldElsewhere(null)) {
            return;
        }
        manual.set(false);
        quarantineRetry.set(false);
        execute(cfg.model() + "-run-" + ledgerStore.claimRunNumber(lock.owner(), clock.instant()), t.get(), 1);
    }

    private void execute(String runId, TrainingRun.Trigger trigger, int attempt) {
        TrainingRunner.Outcome o = runner.run(runId, trigger, attempt, () -> announceUnannounced(ledgerStore.load()));
        if (o == null) {
            return;
        }
        lastRunAt = clock.instant();
        if (o.state() == TrainingRun.State.FAILED && attempt < cfg.trigger().maxAttempts()) {
            retry = new Retry(
                    runId, attempt + 1, clock.instant().plus(cfg.trigger().retryBackoff()));
        }
    }

    /** An operator asked for a run: it starts at the next check if any pair waits. */
    /** An operator asked to retry quarantined pairs: a run starts at the next check, new pairs waiting or not. */
    public void requestQuarantineRetry() {
        quarantineRetry.set(true);
    }

    public boolean requestRun() {
        if (pending.size() == 0) {
            return false;
        }
        manual.set(true);
        return true;
    }

    public boolean ready() {
        return started && feed.assigned();
    }

    public FailedChecks.Snapshot failedChecks() {
        return failedChecks.snapshot();
    }

    public CuratedFeed.Health feedHealth() {
        return feed.health();
    }

    @Override
    public void close() {
        Shutdown.now(loop, Duration.ofSeconds(30));
        feed.close();
        runner.close();
    }
}
