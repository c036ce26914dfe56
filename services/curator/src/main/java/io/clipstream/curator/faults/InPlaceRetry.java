package io.clipstream.curator.faults;

import io.clipstream.storage.StorageException;
import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Retries a storage-bound step inside the processor that runs it, so that an outage never fails
 * the stream thread (which, under exactly-once, would wipe and rebuild the state stores and force
 * a rebalance):
 * <ul>
 *   <li>while {@link StorageHealth} says the store is down, the step waits for it (not counted as an
 *       attempt; consumption is paused meanwhile), up to {@code maxOutageWait} in all;</li>
 *   <li>while the store is up, a failing step is tried {@code maxAttempts} times with a back-off
 *       (a problem with this one object, not the store);</li>
 *   <li>then it gives up with {@link GaveUpException}: the record is dead-lettered, never dropped.</li>
 * </ul>
 * The whole wait is bounded so that the open Kafka transaction never outlives
 * {@code transaction.timeout.ms} (checked at startup, see {@code streams.CuratorLifecycle}).
 */
public final class InPlaceRetry {
    private static final Logger LOG = Logger.getLogger(InPlaceRetry.class);

    private final StorageHealth health;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxOutageWait;

    public InPlaceRetry(StorageHealth health, int maxAttempts, Duration backoff, Duration maxOutageWait) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max-attempts must be at least 1");
        }
        this.health = health;
        this.maxAttempts = maxAttempts;
        this.backoff = backoff;
        this.maxOutageWait = maxOutageWait;
    }

    /** Retries {@code step} on every {@link StorageException} that {@code retryable} accepts. */
    public <T> T call(String what, Supplier<T> step, Predicate<StorageException> retryable) {
        long deadline = System.nanoTime() + maxOutageWait.toNanos();
        int attempts = 0;
        int countedFailures = 0;
        while (true) {
            attempts++;
            try {
                return step.get();
            } catch (StorageException e) {
                if (!retryable.test(e)) {
                    throw e;
                }
                if (health.closed()) {
                    throw new ShuttingDownException(what);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new GaveUpException(
                            what + ": object storage unavailable for longer than " + maxOutageWait, attempts, e);
                }
                try {
                    if (health.up()) {
                        if (++countedFailures >= maxAttempts) {
                            // the next records would most likely fail the same way: pause for a while
                            health.reportDegraded(
                                    what + " failed " + countedFailures + " times: " + e.getMessage(),
                                    maxOutageWait.dividedBy(4));
                            throw new GaveUpException(
                                    what + ": failed " + countedFailures + " times while object storage was up",
                                    attempts,
                                    e);
                        }
                        LOG.warnf(
                                "%s failed (%d of %d while storage is up), retrying in %d ms: %s",
                                what, countedFailures, maxAttempts, backoff.toMillis(), e.getMessage());
                        Thread.sleep(Math.min(backoff.toMillis(), Math.max(1, left / 1_000_000)));
                    } else {
                        LOG.infof("%s waits for object storage (%s)", what, health.lastError());
                        health.awaitUp(Duration.ofNanos(left));
                        if (health.closed()) {
                            throw new ShuttingDownException(what);
                        }
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new GaveUpException(what + ": interrupted while waiting for object storage", attempts, e);
                }
            }
        }
    }
}
