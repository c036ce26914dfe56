package io.clipstream.contracts;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A daemon thread that polls a {@link Readers reader} and hands every record to a handler until closed; closing
 * wakes the poll, waits for the thread and closes the consumer. The consumer belongs to the follower from
 * {@link #start} on (a Kafka consumer is not thread-safe): position it in {@code setup}, which runs on the thread.
 */
public final class RecordFollower implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RecordFollower.class.getName());

    private final KafkaConsumer<String, byte[]> consumer;
    private final String name;
    private volatile boolean running = true;
    private Thread thread;

    public RecordFollower(KafkaConsumer<String, byte[]> consumer, String name) {
        this.consumer = consumer;
        this.name = name;
    }

    /** Runs {@code setup}, then polls and hands each record to {@code handler}, on a thread named after the follower. */
    public void start(Runnable setup, Consumer<ConsumerRecord<String, byte[]>> handler) {
        thread = new Thread(() -> {
            try {
                setup.run();
                while (running) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) handler.accept(r);
                }
            } catch (WakeupException e) {
                // closing
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, name + " stopped following its topics", e);
            } finally {
                consumer.close(Duration.ofSeconds(2));
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        running = false;
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
