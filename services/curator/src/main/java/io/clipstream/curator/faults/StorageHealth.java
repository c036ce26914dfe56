package io.clipstream.curator.faults;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Whether object storage answers, from a probe of its own (one {@code bucketExists} per interval,
 * on a client with a short timeout and no retries), so that a slow or dead store is seen within
 * seconds whatever the curator's own calls are waiting for. Listeners hear each change; the stream
 * pauses on DOWN and resumes on UP ({@link StreamPauser}), and {@link InPlaceRetry} waits for UP.
 */
public final class StorageHealth implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StorageHealth.class);

    /** One probe call: true when the store answers well; throws or returns false otherwise. */
    @FunctionalInterface
    public interface Probe {
        boolean healthy() throws Exception;
    }

    private final Probe probe;
    private final AutoCloseable resources;
    private final Duration interval;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final Object monitor = new Object();
    private final ScheduledExecutorService scheduler;
    private volatile boolean up = true;
    private volatile boolean closed;
    private volatile String lastError = "";
    private volatile long downUntilNanos = System.nanoTime();

    /**
     * @param probe     a call on a client of its own, with a short timeout and one attempt
     * @param resources closed with this (the probe's client)
     */
    public StorageHealth(Probe probe, AutoCloseable resources, Duration interval) {
        this.probe = probe;
        this.resources = resources;
        this.interval = interval;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "storage-health-probe");
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::probeOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean up() {
        return up;
    }

    public String lastError() {
        return lastError;
    }

    /** Called with {@code true} on every change to UP, {@code false} on every change to DOWN. */
    public void onChange(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    /** Blocks until the probe sees the store up or the timeout passes; returns whether it is up. */
    public boolean awaitUp(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (monitor) {
            while (!up && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            }
        }
        return true;
    }

    /** True once {@link #close()} began: waiters stop waiting. */
    public boolean closed() {
        return closed;
    }

    /**
     * The store answers the probe but fails real calls (a 5xx on writes, say): hold it DOWN for
     * {@code holdDown}, so that consumption pauses instead of sending record after record to the
     * dead-letter topic; the probe decides again afterwards.
     */
    public void reportDegraded(String reason, Duration holdDown) {
        lastError = reason;
        downUntilNanos = System.nanoTime() + holdDown.toNanos();
        set(false);
    }

    void probeOnce() {
        if (System.nanoTime() - downUntilNanos < 0) {
            return; // held down after reportDegraded
        }
        boolean nowUp;
        try {
            nowUp = probe.healthy();
            lastError = nowUp ? "" : "the bucket does not exist";
        } catch (Exception e) {
            nowUp = false;
            lastError = String.valueOf(e.getMessage());
        }
        set(nowUp);
    }

    void set(boolean nowUp) {
        synchronized (monitor) { // listeners hear the changes in the order they happened
            if (up == nowUp) {
                return;
            }
            up = nowUp;
            monitor.notifyAll();
            if (nowUp) {
                LOG.info("object storage is reachable again");
            } else {
                LOG.warnf("object storage is unavailable: %s", lastError);
            }
            for (Consumer<Boolean> l : listeners) {
                try {
                    l.accept(nowUp);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "storage health listener failed");
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (monitor) {
            if (closed) {
                return;
            }
            closed = true;
            monitor.notifyAll();
        }
        scheduler.shutdownNow();
        try {
            resources.close();
        } catch (Exception e) {
            LOG.debugf(e, "closing the storage probe");
        }
    }
}
