package io.clipstream.imaging;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageReader;

/**
 * Aborts an {@link ImageReader} that is still decoding when its time budget runs out. ImageIO
 * readers check their abort flag between rows and passes, so a stuck decode ends at the next check;
 * {@link Watch#expired()} tells the caller to discard whatever the reader returned.
 */
final class DecodeWatchdog {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "image-decode-watchdog");
        t.setDaemon(true);
        return t;
    });

    private DecodeWatchdog() {}

    /**
     * Aborts the reader once the budget is spent, and again every {@value #REPEAT_MILLIS} ms until the watch is
     * closed: {@code ImageReader.read} clears the abort flag when it begins, so an abort that lands before the decode
     * proper starts (a slow header, a cold JVM) would otherwise be lost and the decode run to its end.
     */
    static Watch watch(ImageReader reader, Duration budget) {
        long startNanos = System.nanoTime();
        Watch watch = new Watch(startNanos, budget);
        watch.timer = TIMER.scheduleAtFixedRate(
                () -> {
                    watch.aborted = true;
                    reader.abort();
                },
                budget.toNanos(),
                TimeUnit.MILLISECONDS.toNanos(REPEAT_MILLIS),
                TimeUnit.NANOSECONDS);
        return watch;
    }

    static final long REPEAT_MILLIS = 5;

    static final class Watch implements AutoCloseable {
        private final long startNanos;
        private final Duration budget;
        private volatile boolean aborted;
        private ScheduledFuture<?> timer;

        private Watch(long startNanos, Duration budget) {
            this.startNanos = startNanos;
            this.budget = budget;
        }

        /** The budget ran out, whether or not the reader noticed the abort. */
        boolean expired() {
            return aborted || System.nanoTime() - startNanos > budget.toNanos();
        }

        Duration budget() {
            return budget;
        }

        @Override
        public void close() {
            timer.cancel(false);
        }
    }
}
