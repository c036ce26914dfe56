package io.clipstream.curator.store;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.curator.faults.ShuttingDownException;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.CandidateSerde;
import io.clipstream.curator.inspect.DeadLetters;
import io.clipstream.curator.inspect.RawRecord;
import io.clipstream.curator.inspect.Verdict;
import io.clipstream.curator.metrics.CuratorMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * The curator's last step, outside Kafka Streams so that many pairs' objects are written at once:
 * it reads the pairs every check accepted (the topology writes them, keyed by source/sha256, to a topic of
 * its own), writes the objects of a whole poll at once ({@code writes-in-flight} pairs at a time),
 * then, in one Kafka transaction, publishes each pair's PairCurated (or its dead letter) and commits
 * the offsets it read (consume-transform-produce, KIP-447: the consumer's group metadata fences a
 * zombie). A pair's objects are written before its event exists, and a crash before the commit
 * makes the next owner write them again, which content-addressed keys make harmless: each accepted
 * pair ends with exactly one event, and every curated event's objects exist.
 * <p>
 * Kafka Streams processes one record at a time per thread, so a step that waits ~3 ms for S3 caps
 * a stream thread at a few hundred pairs per second (tens against a remote S3); this stage waits
 * once per batch. The transaction opens only after the batch's writes are done, so a storage outage
 * (the writes wait in {@code faults.InPlaceRetry}) never holds a transaction open.
 */
public final class StoreStage implements Runnable, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(StoreStage.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final String inputTopic;
    private final String curatedTopic;
    private final String deadletterTopic;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final StoreStep step;
    private final CuratorMetrics metrics;
    private final Clock clock;
    private final Duration failureBackoff;
    private final Semaphore inFlight;
    private final ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor();
    private final Deserializer<Candidate> candidates = new CandidateSerde().deserializer();
    private final Serializer<PairCurated> curatedSerializer =
            EventSerdes.pairCurated().serializer();
    private final Serializer<PairDeadLettered> deadLetterSerializer =
            EventSerdes.pairDeadLettered().serializer();
    private final Thread thread;
    private volatile boolean closing;
    private volatile KafkaConsumer<String, byte[]> consumer;

    /**
     * @param consumerBase    the service's {@code kafka.*} consumer settings (servers, security)
     * @param producerBase    the same for the producer
     * @param groupId         the consumer group; offsets commit in this group's name
     * @param transactionalId stable per instance, so a restart fences its predecessor's open transaction at once
     * @param clientTimeouts  {@code transaction.timeout.ms} and {@code max.poll.interval.ms}: a batch's writes
     *                        may wait for storage as long as a stream thread's record may
     */
    public StoreStage(
            Map<String, Object> consumerBase,
            Map<String, Object> producerBase,
            String groupId,
            String transactionalId,
            Duration clientTimeouts,
            int maxBatch,
            int writesInFlight,
            Topics topics,
            StoreStep step,
            CuratorMetrics metrics,
            Clock clock,
            Duration failureBackoff) {
        if (writesInFlight < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("writes-in-flight and max-batch must be at least 1");
        }
        this.inputTopic = topics.accepted();
        this.curatedTopic = topics.curated();
        this.deadletterTopic = topics.deadletter();
        this.step = step;
        this.metrics = metrics;
        this.clock = clock;
        this.failureBackoff = failureBackoff;
        this.inFlight = new Semaphore(writesInFlight);

        Map<String, Object> c = new HashMap<>(consumerBase);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxBatch);
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) clientTimeouts.toMillis());
        c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId + "-consumer");
        this.consumerConfig = c;

        Map<String, Object> p = new HashMap<>(producerBase);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) clientTimeouts.toMillis());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId + "-producer");
        this.producerConfig = p;

        this.thread = new Thread(this, "curator-store-stage");
    }

    /** The stage's three topics. */
    public record Topics(String accepted, String curated, String deadletter) {}

    public void start() {
        thread.start();
    }

    /**
     * Started, not closed, and its thread gone: only an {@link Error} ends it that way (everything else restarts it).
     */
    public boolean died() {
        return thread.getState() == Thread.State.TERMINATED && !closing;
    }

    @Override
    public void run() {
        while (!closing) {
            try (KafkaConsumer<String, byte[]> c =
                            new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
                    KafkaProducer<String, byte[]> producer =
                            new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer())) {
                consumer = c;
                producer.initTransactions();
                c.subscribe(List.of(inputTopic));
                while (!closing) {
                    ConsumerRecords<String, byte[]> records = c.poll(POLL);
                    if (!records.isEmpty()) {
                        storeBatch(c, producer, records);
                    }
                }
            } catch (WakeupException | ShuttingDownException e) {
                if (!closing) {
                    LOG.info("store stage stopped while waiting for object storage; its pairs are stored after the "
                            + "restart");
                }
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    return;
                }
                // the open transaction (if any) is aborted when the next producer of this id starts;
                // the batch is read again from the committed offsets
                metrics.storeStageRestarted();
                LOG.errorf(
                        e,
                        "store stage failed; restarting it in %d ms (its batch is stored again)",
                        failureBackoff.toMillis());
                sleep(failureBackoff);
            } finally {
                consumer = null;
            }
        }
    }

    private void storeBatch(
            KafkaConsumer<String, byte[]> c,
            KafkaProducer<String, byte[]> producer,
            ConsumerRecords<String, byte[]> records) {
        List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>(records.count());
        records.forEach(batch::add);
        List<CompletableFuture<Verdict>> verdicts =
                batch.stream().map(this::storeAsync).toList();

        List<Verdict> done = new ArrayList<>(batch.size());
        for (CompletableFuture<Verdict> v : verdicts) {
            done.add(join(v));
        }
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            ConsumerRecord<String, byte[]> r = batch.get(i);
            Verdict v = done.get(i);
            if (v instanceof Verdict.Curated cur) {
                producer.send(new ProducerRecord<>(
                        curatedTopic,
                        cur.curated().catalogueKey(),
                        curatedSerializer.serialize(curatedTopic, cur.curated())));
            } else {
                PairDeadLettered dl = v.deadLetter();
                producer.send(new ProducerRecord<>(
                        deadletterTopic, dl.pairId(), deadLetterSerializer.serialize(deadletterTopic, dl)));
            }
            next.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        producer.sendOffsetsToTransaction(next, c.groupMetadata());
        producer.commitTransaction();

        for (Verdict v : done) {
            if (v instanceof Verdict.Curated cur) {
                metrics.curated(cur.curated().submittedAt(), cur.curated().curatedAt());
            } else {
                metrics.deadLettered(v.deadLetter());
            }
        }
    }

    private CompletableFuture<Verdict> storeAsync(ConsumerRecord<String, byte[]> r) {
        Candidate candidate;
        try {
            candidate = candidates.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            // only the curator writes this topic: a bug, not a pair's fault; kept for replay all the same
            LOG.errorf(
                    e,
                    "accepted record %s-%d@%d is unreadable; dead-lettering it",
                    r.topic(),
                    r.partition(),
                    r.offset());
            Instant now = clock.instant();
            return CompletableFuture.completedFuture(Verdict.deadLetter(DeadLetters.of(
                    DeadLetters.STORE,
                    "(unreadable)",
                    "",
                    "",
                    new RawRecord(r.topic(), r.partition(), r.offset()),
                    null,
                    e,
                    now)));
        }
        return CompletableFuture.supplyAsync(
                () -> {
                    inFlight.acquireUninterruptibly();
                    try {
                        return step.store(candidate);
                    } finally {
                        inFlight.release();
                    }
                },
                writers);
    }

    private static Verdict join(CompletableFuture<Verdict> v) {
        try {
            return v.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling; a batch waiting for storage stops too once the storage health is closed. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.shutdownNow();
    }
}
