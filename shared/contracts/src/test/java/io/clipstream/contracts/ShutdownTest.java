package io.clipstream.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {
    @Test
    void aTaskThatHonoursInterruptsEndsAndOneThatIgnoresThemIsWaitedForOnlyAsLongAsThePatience() throws Exception {
        ExecutorService polite = Executors.newSingleThreadExecutor();
        CountDownLatch running = new CountDownLatch(1);
        polite.submit(() -> {
            running.countDown();
            Thread.sleep(60_000);
            return null;
        });
        running.await(5, TimeUnit.SECONDS);
        assertThat(Shutdown.now(polite, Duration.ofSeconds(5))).isTrue();

        ExecutorService ignoresInterrupts = Executors.newSingleThreadExecutor();
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        ignoresInterrupts.submit(() -> {
            started.countDown();
            while (stop.getCount() > 0) {
                Thread.onSpinWait();
            } // ignores interrupts
        });
        started.await(5, TimeUnit.SECONDS);
        assertThat(Shutdown.now(ignoresInterrupts, Duration.ofMillis(100))).isFalse();
        stop.countDown();
        assertThat(ignoresInterrupts.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void anInterruptWhileWaitingStaysSet() throws Exception {
        ExecutorService ignoresInterrupts = Executors.newSingleThreadExecutor();
        CountDownLatch stop = new CountDownLatch(1);
        ignoresInterrupts.submit(() -> {
            while (stop.getCount() > 0) {
                Thread.onSpinWait();
            }
        });
        Thread.currentThread().interrupt();
        try {
            assertThat(Shutdown.now(ignoresInterrupts, Duration.ofSeconds(5))).isFalse();
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        } finally {
            stop.countDown();
            ignoresInterrupts.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
