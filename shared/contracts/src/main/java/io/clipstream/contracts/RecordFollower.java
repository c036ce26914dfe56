package io.clipstream.contracts;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A daemon thread that polls a {@link Readers reader} and hands every record to a handler until closed; closing
 * wakes the poll, waits for the thread and closes the consumer. The consumer belongs to the follower from
 * {@link #start} on (a Kafka consumer is not thread-safe): position it in {@code setup}, which runs on the thread.
 *
 * <p>A failure never ends the thread: when the setup, a poll or the handler throws, the follower waits
 * ({@link Backoff}, 1 s doubling up to 30 s unless told otherwise) and goes on; a record whose handler threw is handed
 * over again,
 * as is every record of its poll that was not handled yet, so nothing is skipped. {@link #health()} says how it
 * goes, for a liveness check: a follower that keeps failing is DOWN rather than silently stopped.
 */
public final class RecordFollower implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecordFollower.class.getName());
    /** Consecutive failures from which {@link Health#failing()} is true. */
    public static final int FAILING_AFTER = 5;

    /**
     * What the follower has been through: whether its thread ended without being closed, failures in a row (0 once
     * a poll goes through), failures in all, the last error.
     */
    public record Health(String name, boolean stopped, int consecutiveFailures, long failures, String lastError) {
        public boolean failing() {
            return stopped || consecutiveFailures >= FAILING_AFTER;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String name;
    private final Backoff backoff;
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile int consecutiveFailures;
    private volatile long failures;
    private volatile String lastError;
    private Thread thread;

    public RecordFollower(KafkaConsumer<String, byte[]> consumer, String name) {
        this(consumer, name, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
    }

    public RecordFollower(KafkaConsumer<String, byte[]> consumer, String name, Backoff backoff) {
        this.consumer = consumer;
        this.name = name;
        this.backoff = backoff;
    }

    /**
     * Runs {@code setup}, then polls and hands each record to {@code handler}, on a thread named after the follower.
     */
    public void start(Runnable setup, Consumer<ConsumerRecord<String, byte[]>> handler) {
        thread = new Thread(
                () -> {
                    boolean setUp = false;
                    try {
                        while (running) {
                            try {
                                if (!setUp) {
                                    setup.run();
                                    setUp = true;
                                }
                                handAll(consumer.poll(Duration.ofMillis(500)), handler);
                                consecutiveFailures = 0;
                            } catch (WakeupException e) {
                                if (running) {
                                    throw e;
                                }
                            } catch (RuntimeException e) {
                                failed(e);
                            }
                        }
                    } catch (WakeupException e) {
                        LOG.log(System.Logger.Level.WARNING, name + " was woken without being closed; it stops");
                    } finally {
                        consumer.close(Duration.ofSeconds(2));
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Hands the records over in order; when one throws, rewinds every partition to its first record not handled. */
    private void handAll(ConsumerRecords<String, byte[]> records, Consumer<ConsumerRecord<String, byte[]>> handler) {
        List<TopicPartition> parts = List.copyOf(records.partitions());
        for (int i = 0; i < parts.size(); i++) {
            List<ConsumerRecord<String, byte[]>> rs = records.records(parts.get(i));
            for (ConsumerRecord<String, byte[]> r : rs) {
                try {
                    handler.accept(r);
                } catch (RuntimeException e) {
                    consumer.seek(parts.get(i), r.offset());
                    for (TopicPartition later : parts.subList(i + 1, parts.size())) {
                        consumer.seek(later, records.records(later).getFirst().offset());
                    }
                    throw e;
                }
            }
        }
    }

    private void failed(RuntimeException e) {
        int n = ++consecutiveFailures;
        failures++;
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        Duration wait = backoff.afterFailures(n);
        LOG.log(
                System.Logger.Level.ERROR,
                name + " failed (" + n + " in a row); going on in " + wait.toMillis() + " ms",
                e);
        try {
            closing.await(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    public Health health() {
        boolean stopped = running && thread != null && !thread.isAlive();
        return new Health(name, stopped, consecutiveFailures, failures, lastError);
    }

    @Override
    public void close() {
        running = false;
        closing.countDown();
        if (thread == null) {
            consumer.close(Duration.ofSeconds(2));
            return;
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
