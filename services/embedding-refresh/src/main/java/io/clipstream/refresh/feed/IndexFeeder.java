package io.clipstream.refresh.feed;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.MalformedEventException;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.Readers;
import io.clipstream.refresh.embed.PairEmbedder;
import io.clipstream.refresh.serve.Generation;
import io.clipstream.storage.StorageUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * Feeds one generation's index from {@code pairs.curated}, the catalogue: from the positions its last commit stored
 * (the beginning for a new index) to the end, then on as pairs arrive. Each poll is embedded in batches, upserted,
 * made searchable, and every {@code commitEvery} made durable with the positions. Manual assignment, no consumer
 * group: every feeder reads the whole catalogue, so a live index and an index being built both get every new pair.
 * A storage outage pauses the feeder on the same batch (retried with back-off), it never skips a pair for it.
 */
public final class IndexFeeder implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IndexFeeder.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration END_CHECK = Duration.ofMillis(500);

    /** What a feeder tells its owner. */
    public interface Listener {
        /** {@code pairs} are searchable in the generation now. */
        default void indexed(Generation g, List<PairCurated> pairs) {}

        default void skipped(Generation g, PairCurated pair, String reason) {}

        default void malformed(Generation g, String detail) {}

        /** The feed failed for a reason other than storage being away; the feeder has stopped. */
        default void failed(Generation g, Exception e) {}
    }

    private final Generation target;
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final PairEmbedder embedder;
    private final int batchSize;
    private final Duration commitEvery;
    private final Listener listener;
    private final Clock clock;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong carried = new AtomicLong();
    private volatile long endAtStart = -1;
    private volatile Map<Integer, Long> positions = Map.of();

    public IndexFeeder(
            Generation target,
            Map<String, Object> consumerConfig,
            String topic,
            PairEmbedder embedder,
            int batchSize,
            Duration commitEvery,
            Listener listener,
            Clock clock) {
        this.target = target;
        Map<String, Object> cfg = new HashMap<>(consumerConfig);
        cfg.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.max(batchSize, 1) * 4);
        this.consumer = Readers.create(cfg);
        this.topic = topic;
        this.embedder = embedder;
        this.batchSize = batchSize;
        this.commitEvery = commitEvery;
        this.listener = listener;
        this.clock = clock;
        this.thread = new Thread(this::run, "feed-" + target.index().name());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public Generation target() {
        return target;
    }

    /** True once the feeder has reached the end offsets it saw at some moment after starting. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Pairs upserted by this feeder since it started. */
    public long indexed() {
        return indexed.get();
    }

    /** Of the pairs {@link #indexed}, those whose vectors were carried from the embedding cache, not computed. */
    public long carried() {
        return carried.get();
    }

    /** Records in the catalogue when the feeder started (sum of end offsets, an over-count on a compacted topic). */
    public long endAtStart() {
        return endAtStart;
    }

    /** Next offset per partition, after what is searchable. */
    public Map<Integer, Long> positions() {
        return positions;
    }

    private void run() {
        try {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(parts);
            Map<Integer, Long> committed = target.index().committedPositions();
            for (TopicPartition tp : parts) {
                Long at = committed.get(tp.partition());
                if (at == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, at);
                }
            }
            endAtStart = consumer.endOffsets(parts).values().stream()
                            .mapToLong(Long::longValue)
                            .sum()
                    - committed.values().stream().mapToLong(Long::longValue).sum();
            Instant lastCommit = clock.instant();
            Instant lastEndCheck = Instant.EPOCH;
            boolean dirty = false;
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    List<PairCurated> batch = new ArrayList<>();
                    for (ConsumerRecord<String, byte[]> r : records) {
                        PairCurated p = parse(r);
                        if (p != null) {
                            batch.add(p);
                        }
                    }
                    index(latestPerKey(batch));
                    if (!running) {
                        break;
                    }
                    positions = positionsNow(parts);
                    dirty = true;
                }
                Instant now = clock.instant();
                if (dirty && Duration.between(lastCommit, now).compareTo(commitEvery) >= 0) {
                    target.index().commit(positions);
                    lastCommit = now;
                    dirty = false;
                }
                if (records.isEmpty()
                        && !caughtUp
                        && Duration.between(lastEndCheck, now).compareTo(END_CHECK) >= 0) {
                    lastEndCheck = now;
                    Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                    positions = positionsNow(parts);
                    caughtUp = end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (caughtUp) {
                        target.index().commit(positions);
                        lastCommit = now;
                        dirty = false;
                    }
                }
            }
            if (dirty) {
                target.index().commit(positions);
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (Exception e) {
            if (running) {
                LOG.errorf(e, "feeding %s failed", target);
                listener.failed(target, e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private Map<Integer, Long> positionsNow(List<TopicPartition> parts) {
        Map<Integer, Long> m = new LinkedHashMap<>();
        for (TopicPartition tp : parts) {
            m.put(tp.partition(), consumer.position(tp));
        }
        return Map.copyOf(m);
    }

    private PairCurated parse(ConsumerRecord<String, byte[]> r) {
        if (r.value() == null) {
            return null;
        } // a tombstone: compaction removed the pair from the catalogue
        try {
            return Json.read(r.value(), PairCurated.class);
        } catch (MalformedEventException e) {
            listener.malformed(target, r.topic() + "-" + r.partition() + "@" + r.offset() + ": " + e.getMessage());
            return null;
        }
    }

    /** A replayed key within one batch is embedded once, as its latest record says. */
    private static List<PairCurated> latestPerKey(List<PairCurated> batch) {
        Map<String, PairCurated> m = new LinkedHashMap<>();
        for (PairCurated p : batch) {
            m.remove(p.catalogueKey());
            m.put(p.catalogueKey(), p);
        }
        return new ArrayList<>(m.values());
    }

    private void index(List<PairCurated> pairs) throws Exception {
        long backoffMs = 200;
        while (running) {
            try {
                embedder.embedBatches(
                        pairs,
                        batchSize,
                        target.encoder(),
                        (p, reason) -> listener.skipped(target, p, reason),
                        (embedded, batch, fromCache) -> {
                            target.index().upsert(embedded);
                            target.index().refresh();
                            indexed.addAndGet(embedded.size());
                            carried.addAndGet(fromCache);
                            Set<String> kept = new HashSet<>();
                            embedded.forEach(e -> kept.add(e.key()));
                            listener.indexed(
                                    target,
                                    batch.stream()
                                            .filter(p -> kept.contains(p.catalogueKey()))
                                            .toList());
                        });
                return;
            } catch (StorageUnavailableException e) {
                // the batches upserted before the outage are upserted again: an upsert by key replaces, it does not
                // duplicate
                LOG.warnf(
                        "storage unavailable while feeding %s, retrying in %d ms: %s",
                        target, backoffMs, e.getMessage());
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    /** Stops the feeder and waits for it; what it indexed since its last commit is committed first. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            consumer.wakeup();
        }
    }
}
