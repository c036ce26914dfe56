package io.clipstream.trainer.ledger;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.Readers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Reads pairs.curated from the ledger's position into {@link PendingPairs}, on a thread of its own. The consumer is
 * assigned every partition (no group: the position is the ledger's, in object storage, not committed offsets),
 * so a restart starts exactly where the last finished run ended. A record that does not parse is counted and
 * skipped: it cannot be trained on, and it must not stop the feed. The pairs of each poll are also handed to
 * {@code onRead} (the trainer fetches their images as they arrive).
 */
public final class CuratedFeed implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CuratedFeed.class);

    private final Map<String, Object> kafka;
    private final String topic;
    private final PendingPairs pending;
    private final Consumer<String> onMalformed;
    private final Consumer<List<PairRef>> onRead;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile boolean caughtUp;
    private Thread thread;

    public CuratedFeed(Map<String, Object> kafka, String topic, PendingPairs pending, Consumer<String> onMalformed,
                       Consumer<List<PairRef>> onRead) {
        this.kafka = kafka;
        this.topic = topic;
        this.pending = pending;
        this.onMalformed = onMalformed;
        this.onRead = onRead;
    }

    /** Starts reading from {@code ledger}'s position. */
    public synchronized void start(LedgerState ledger) {
        consumer = Readers.create(kafka);
        running = true;
        thread = new Thread(() -> run(ledger), "curated-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void run(LedgerState ledger) {
        try {
            List<TopicPartition> parts = awaitPartitions();
            if (parts == null) return;
            consumer.assign(parts);
            for (TopicPartition tp : parts) consumer.seek(tp, ledger.next(tp.partition()));
            Map<TopicPartition, Long> endAtStart = consumer.endOffsets(parts);
            assigned = true;
            while (running) {
                List<PairRef> read = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    PairCurated c;
                    try {
                        c = Json.read(r.value(), PairCurated.class);
                    } catch (RuntimeException e) {
                        onMalformed.accept(topic + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
                        pending.readTo(r.partition(), r.offset() + 1);
                        continue;
                    }
                    PairRef ref = PairRef.of(c, r.partition(), r.offset());
                    pending.add(ref);
                    read.add(ref);
                }
                if (!read.isEmpty()) onRead.accept(read);
                for (TopicPartition tp : parts) pending.readTo(tp.partition(), consumer.position(tp));
                if (!caughtUp) caughtUp = parts.stream().allMatch(tp -> consumer.position(tp) >= endAtStart.get(tp));
            }
        } catch (WakeupException e) {
            if (running) throw e;
        } catch (RuntimeException e) {
            LOG.errorf(e, "the curated feed stopped");
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private List<TopicPartition> awaitPartitions() {
        while (running) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> out = new ArrayList<>();
                infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
                return out;
            }
            LOG.infof("waiting for topic %s", topic);
        }
        return null;
    }

    /** True once the feed has read up to where the topic ended when it started reading. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** True once the feed reads its partitions. */
    public boolean assigned() {
        return assigned && running && thread.isAlive();
    }

    @Override
    public synchronized void close() {
        running = false;
        if (consumer != null) consumer.wakeup();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
