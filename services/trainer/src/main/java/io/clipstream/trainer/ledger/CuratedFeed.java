package io.clipstream.trainer.ledger;

import io.clipstream.contracts.Backoff;
import io.clipstream.contracts.Readers;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Accepted;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Refused;
import io.clipstream.trainer.ledger.RefusedRecords.Refusal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Reads pairs.curated from the ledger's position into {@link PendingPairs}, on a thread of its own. The consumer is
 * assigned every partition (no group: the position is the ledger's, in object storage, not committed offsets),
 * so a restart of the trainer starts exactly where the last finished run ended. Every record passes
 * {@link CuratedRecordCheck}: a refused one is reported ({@code onRefused}) and skipped, it must not stop the feed.
 * The pairs of each poll are also handed to {@code onRead} (the trainer fetches their images as they arrive).
 * <p>
 * When reading fails, the feed closes its consumer, waits ({@link Backoff}), and reads on with a new one
 * from where {@link PendingPairs} says it got to, so no record is pending twice.
 */
public final class CuratedFeed implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CuratedFeed.class);

    /**
     * @param restarts   times the feed failed and read on with a new consumer
     * @param downSince  when the feed last failed, until it has polled again; null while it reads
     * @param lastFailure the cause of the last failure, null before any
     * @param threadEnded the feed's thread ended while the feed was not closed
     */
    public record Health(int restarts, Instant downSince, String lastFailure, boolean threadEnded) {}

    private final Map<String, Object> kafka;
    private final String topic;
    private final PendingPairs pending;
    private final Backoff backoff;
    private final Clock clock;
    private final Consumer<Refusal> onRefused;
    private final Consumer<List<PairRef>> onRead;
    private final Runnable onRestart;
    private final ExpertGroups groups;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Object consumerLock = new Object();
    private final AtomicInteger restarts = new AtomicInteger();
    private KafkaConsumer<String, byte[]> consumer; // guarded by consumerLock
    private volatile boolean running;
    private volatile boolean assigned;
    private volatile boolean caughtUp;
    private volatile Instant downSince;
    private volatile String lastFailure;
    private Thread thread;

    public CuratedFeed(
            Map<String, Object> kafka,
            String topic,
            PendingPairs pending,
            Backoff backoff,
            Clock clock,
            Consumer<Refusal> onRefused,
            Consumer<List<PairRef>> onRead,
            Runnable onRestart) {
        this(kafka, topic, pending, backoff, clock, onRefused, onRead, onRestart, ExpertGroups.NONE);
    }

    /** @param groups the expert each declared domain trains: a pair is pending under its expert's name */
    public CuratedFeed(
            Map<String, Object> kafka,
            String topic,
            PendingPairs pending,
            Backoff backoff,
            Clock clock,
            Consumer<Refusal> onRefused,
            Consumer<List<PairRef>> onRead,
            Runnable onRestart,
            ExpertGroups groups) {
        this.groups = groups;
        this.kafka = kafka;
        this.topic = topic;
        this.pending = pending;
        this.backoff = backoff;
        this.clock = clock;
        this.onRefused = onRefused;
        this.onRead = onRead;
        this.onRestart = onRestart;
    }

    /** Starts reading from {@code ledger}'s position. */
    public synchronized void start(LedgerState ledger) {
        running = true;
        thread = new Thread(() -> readWithRestarts(ledger), "curated-feed");
        thread.setDaemon(true);
        thread.start();
    }

    private void readWithRestarts(LedgerState ledger) {
        Duration wait = backoff.first();
        while (running) {
            KafkaConsumer<String, byte[]> c = null;
            Throwable failure;
            try {
                c = open();
                if (c == null) {
                    return;
                }
                read(c, ledger);
                return;
            } catch (Throwable e) { // a WakeupException too, when closing
                failure = e;
            } finally {
                assigned = false;
                if (c != null) {
                    synchronized (consumerLock) {
                        consumer = null;
                    }
                    closeQuietly(c);
                }
            }
            if (!running) {
                return;
            }
            wait = downSince == null ? backoff.first() : backoff.after(wait);
            if (downSince == null) {
                downSince = clock.instant();
            }
            lastFailure = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            LOG.errorf(failure, "the curated feed failed; it reads on from the pending positions in %s", wait);
            try {
                if (closing.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            restarts.incrementAndGet();
            onRestart.run();
        }
    }

    private KafkaConsumer<String, byte[]> open() {
        synchronized (consumerLock) {
            if (!running) {
                return null;
            }
            consumer = Readers.create(kafka);
            return consumer;
        }
    }

    private void read(KafkaConsumer<String, byte[]> c, LedgerState ledger) {
        List<TopicPartition> parts = awaitPartitions(c);
        if (parts == null) {
            return;
        }
        c.assign(parts);
        // the ledger's position at the first start, where the feed got to after a failure
        for (TopicPartition tp : parts) {
            c.seek(tp, Math.max(ledger.next(tp.partition()), pending.readUpTo(tp.partition())));
        }
        Map<TopicPartition, Long> endAtStart = c.endOffsets(parts);
        assigned = true;
        while (running) {
            List<PairRef> read = new ArrayList<>();
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                switch (CuratedRecordCheck.check(r.value(), r.partition(), r.offset())) {
                    case Accepted a -> {
                        PairRef p = groups.apply(a.pair());
                        pending.add(p);
                        read.add(p);
                    }
                    case Refused x -> refuse(r, x);
                }
            }
            if (!read.isEmpty()) {
                onRead.accept(read);
            }
            for (TopicPartition tp : parts) {
                pending.readTo(tp.partition(), c.position(tp));
            }
            downSince = null;
            if (!caughtUp) {
                caughtUp = parts.stream().allMatch(tp -> c.position(tp) >= endAtStart.get(tp));
            }
        }
    }

    private void refuse(ConsumerRecord<String, byte[]> r, Refused x) {
        LOG.warnf(
                "refused %s-%d@%d (pairId %s): %s, %s",
                topic, r.partition(), r.offset(), x.pairId(), x.reason(), x.detail());
        pending.readTo(r.partition(), r.offset() + 1);
        onRefused.accept(new Refusal(r.partition(), r.offset(), x.pairId(), x.reason(), x.detail(), clock.instant()));
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                List<TopicPartition> out = new ArrayList<>();
                infos.forEach(i -> out.add(new TopicPartition(topic, i.partition())));
                return out;
            }
            LOG.infof("waiting for topic %s", topic);
        }
        return null;
    }

    private static void closeQuietly(KafkaConsumer<String, byte[]> c) {
        try {
            c.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
            LOG.debugf(e, "closing the curated feed's consumer");
        }
    }

    /** True once the feed has read up to where the topic ended when it started reading. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** True while the feed reads its partitions (false while it waits to read on after a failure). */
    public boolean assigned() {
        return assigned && running && thread.isAlive();
    }

    public Health health() {
        Thread t = thread;
        return new Health(restarts.get(), downSince, lastFailure, running && t != null && !t.isAlive());
    }

    @Override
    public synchronized void close() {
        running = false;
        closing.countDown();
        synchronized (consumerLock) {
            if (consumer != null) {
                consumer.wakeup();
            }
        }
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
