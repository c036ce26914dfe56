package io.clipstream.contracts;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closing a service's own threads: the one way, so that every close interrupts, waits a bounded time and keeps the
 * interrupt.
 */
public final class Shutdown {
    private Shutdown() {}

    /**
     * Interrupts what {@code executor} runs, drops what it queued, and waits up to {@code patience} for its threads to
     * end; true when they did. An interrupt while waiting ends the wait and stays set on the caller's thread.
     */
    public static boolean now(ExecutorService executor, Duration patience) {
        executor.shutdownNow();
        try {
            return executor.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
