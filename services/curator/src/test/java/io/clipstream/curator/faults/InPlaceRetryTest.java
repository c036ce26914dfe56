package io.clipstream.curator.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clipstream.storage.StorageRefusedException;
import io.clipstream.storage.StorageUnavailableException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InPlaceRetryTest {
    private final StorageHealth health = new StorageHealth(() -> true, () -> {}, Duration.ofSeconds(1));

    @AfterEach
    void close() {
        health.close();
    }

    private static StorageUnavailableException down() {
        return new StorageUnavailableException("connection refused", null);
    }

    @Test
    void aFlakyCallSucceedsWithinItsAttempts() {
        InPlaceRetry retry = new InPlaceRetry(health, 3, Duration.ofMillis(1), Duration.ofSeconds(10));
        AtomicInteger calls = new AtomicInteger();
        String result = retry.call(
                "put",
                () -> {
                    if (calls.incrementAndGet() < 3) {
                        throw down();
                    }
                    return "ok";
                },
                e -> true);
        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(health.up()).isTrue();
    }

    @Test
    void aCallThatKeepsFailingWhileStorageIsUpGivesUpAndPausesConsumption() {
        InPlaceRetry retry = new InPlaceRetry(health, 3, Duration.ofMillis(1), Duration.ofSeconds(10));
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> retry.call(
                        "put",
                        () -> {
                            calls.incrementAndGet();
                            throw down();
                        },
                        e -> true))
                .isInstanceOfSatisfying(GaveUpException.class, e -> {
                    assertThat(e.attempts()).isEqualTo(3);
                    assertThat(e.lastErrorClass()).isEqualTo(StorageUnavailableException.class.getName());
                });
        assertThat(calls).hasValue(3);
        assertThat(health.up())
                .as("held down so the next records do not fail the same way")
                .isFalse();
    }

    @Test
    void anOutageIsWaitedOutWithoutSpendingAttempts() throws Exception {
        InPlaceRetry retry = new InPlaceRetry(health, 1, Duration.ofMillis(1), Duration.ofSeconds(30));
        health.set(false);
        AtomicInteger calls = new AtomicInteger();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            health.set(true);
        });
        String result = retry.call(
                "put",
                () -> {
                    if (!health.up()) {
                        calls.incrementAndGet();
                        throw down();
                    }
                    return "ok";
                },
                e -> true);
        assertThat(result).isEqualTo("ok");
        assertThat(calls)
                .as("one failed call, then a wait for the probe, not a retry loop")
                .hasValue(1);
    }

    @Test
    void anOutageLongerThanThePatienceGivesUp() {
        InPlaceRetry retry = new InPlaceRetry(health, 5, Duration.ofMillis(1), Duration.ofMillis(300));
        health.set(false);
        long start = System.nanoTime();
        assertThatThrownBy(() -> retry.call(
                        "put",
                        () -> {
                            throw down();
                        },
                        e -> true))
                .isInstanceOf(GaveUpException.class)
                .hasMessageContaining("longer than PT0.3S");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void failuresTheCallerDoesNotRetryPassThrough() {
        InPlaceRetry retry = new InPlaceRetry(health, 5, Duration.ofMillis(1), Duration.ofSeconds(10));
        assertThatThrownBy(() -> retry.call(
                        "get",
                        () -> {
                            throw new StorageRefusedException("bad key", null);
                        },
                        e -> e instanceof StorageUnavailableException))
                .isInstanceOf(StorageRefusedException.class);
    }

    @Test
    void aWaitingRecordStopsWhenTheCuratorShutsDown() {
        InPlaceRetry retry = new InPlaceRetry(health, 5, Duration.ofMillis(1), Duration.ofSeconds(30));
        health.set(false);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            health.close();
        });
        assertThatThrownBy(() -> retry.call(
                        "put",
                        () -> {
                            throw down();
                        },
                        e -> true))
                .isInstanceOf(ShuttingDownException.class);
    }
}
