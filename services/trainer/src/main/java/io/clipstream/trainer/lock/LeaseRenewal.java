package io.clipstream.trainer.lock;

import io.clipstream.contracts.Shutdown;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps a run's lease on the {@link RunLock} while the run lives: renews it every third of the lease, so that two
 * renewals can fail (storage slow or down) before it expires. A renewal that finds the lock another trainer's marks the
 * lease lost; the run checks {@link #ensureHeld} before it publishes anything.
 */
public final class LeaseRenewal implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LeaseRenewal.class);

    private final RunLock lock;
    private final String runId;
    private final ScheduledExecutorService timer;
    private volatile boolean lost;

    private LeaseRenewal(RunLock lock, String runId) {
        this.lock = lock;
        this.runId = runId;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "run-lock-renewal");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts renewing the lease {@code lock} holds for {@code runId}. */
    public static LeaseRenewal start(RunLock lock, String runId) {
        LeaseRenewal r = new LeaseRenewal(lock, runId);
        long every = Math.max(1, lock.ttl().toMillis() / 3);
        r.timer.scheduleAtFixedRate(r::renew, every, every, TimeUnit.MILLISECONDS);
        return r;
    }

    private void renew() {
        if (lost) {
            return;
        }
        try {
            if (!lock.renew()) {
                lost = true;
                LOG.errorf(
                        "run %s lost the run lock: it is now %s; the run will not publish",
                        runId, lock.holder().map(Object::toString).orElse("free"));
            }
        } catch (RuntimeException e) {
            LOG.warnf("could not renew the run lock of %s (the lease lasts %s): %s", runId, lock.ttl(), e.getMessage());
        }
    }

    /** Throws when the lease was lost, or the lock is not this trainer's now: nothing may be published then. */
    public void ensureHeld() {
        if (lost) {
            throw new IllegalStateException("run " + runId + " lost the run lock; nothing is published");
        }
        RunLock.Holder now = lock.holder().orElse(null);
        if (now == null || !lock.owner().equals(now.owner()) || !runId.equals(now.runId())) {
            lost = true;
            throw new IllegalStateException("run " + runId + " no longer holds the run lock ("
                    + (now == null ? "free" : now) + "); nothing is published");
        }
    }

    @Override
    public void close() {
        Shutdown.now(timer, Duration.ofSeconds(5));
    }
}
