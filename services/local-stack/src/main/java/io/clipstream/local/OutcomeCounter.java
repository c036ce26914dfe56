package io.clipstream.local;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.Principal;
import io.clipstream.contracts.ReasonCode;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads {@code pairs.curated}, {@code pairs.rejected} and {@code pairs.deadletter} (read_committed) and
 * tallies what became of each pair id: the proof that curated + rejected + dead-lettered = pushed,
 * with nothing lost.
 */
public final class OutcomeCounter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String curatedTopic;
    private final String deadLetterTopic;
    private final Set<String> curated = new HashSet<>();
    private final Map<String, String> curatedDomains = new java.util.HashMap<>();
    private final Set<String> deadLettered = new HashSet<>();
    private final Map<String, List<ReasonCode>> rejected = new java.util.HashMap<>();
    private final Map<ReasonCode, Integer> byReason = new EnumMap<>(ReasonCode.class);
    private long curatedRecords;
    private long rejectedRecords;

    /** @param connection bootstrap servers and credentials (the operator's principal may read every topic) */
    public OutcomeCounter(
            Map<String, Object> connection, String curatedTopic, String rejectedTopic, String deadLetterTopic) {
        Properties p = new Properties();
        p.putAll(connection);
        // a group of the operator principal (its ACLs cover groups named after it)
        p.put(ConsumerConfig.GROUP_ID_CONFIG, Principal.OPERATOR.user() + "-outcomes-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.curatedTopic = curatedTopic;
        this.deadLetterTopic = deadLetterTopic;
        consumer.subscribe(List.of(curatedTopic, rejectedTopic, deadLetterTopic));
    }

    /** Polls once and folds what arrived into the tallies; returns the records seen. */
    public List<ConsumerRecord<byte[], byte[]>> poll(Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> seen = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            seen.add(r);
            if (r.value() == null) {
                continue;
            }
            if (r.topic().equals(curatedTopic)) {
                PairCurated c = EventSerdes.pairCurated().deserializer().deserialize(r.topic(), r.value());
                curatedRecords++;
                curated.add(c.pairId());
                curatedDomains.put(c.pairId(), c.domain());
            } else if (r.topic().equals(deadLetterTopic)) {
                deadLettered.add(EventSerdes.pairDeadLettered()
                        .deserializer()
                        .deserialize(r.topic(), r.value())
                        .pairId());
            } else {
                PairRejected x = EventSerdes.pairRejected().deserializer().deserialize(r.topic(), r.value());
                rejectedRecords++;
                rejected.put(
                        x.pairId() == null ? "offset-" + x.rawPartition() + "-" + x.rawOffset() : x.pairId(),
                        x.reasons());
                for (ReasonCode code : x.reasons()) {
                    byReason.merge(code, 1, Integer::sum);
                }
            }
        }
        return seen;
    }

    /** Polls until the condition holds or the timeout passes; returns whether it held. */
    public boolean awaitUntil(Predicate<OutcomeCounter> done, Duration timeout, Runnable onProgress) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            if (!poll(Duration.ofMillis(500)).isEmpty() && onProgress != null) {
                onProgress.run();
            }
        }
        return true;
    }

    public int curated() {
        return curated.size();
    }

    public int rejected() {
        return rejected.size();
    }

    public long curatedRecords() {
        return curatedRecords;
    }

    public long rejectedRecords() {
        return rejectedRecords;
    }

    public int deadLettered() {
        return deadLettered.size();
    }

    public int outcomes() {
        return curated.size() + rejected.size() + deadLettered.size();
    }

    /** The domain a curated pair was curated into; null when it is not curated (yet). */
    public String curatedDomain(String pairId) {
        return curatedDomains.get(pairId);
    }

    public Set<String> curatedIds() {
        return curated;
    }

    /** Reason codes by pair id (raw offset for unreadable records). */
    public Map<String, List<ReasonCode>> rejectedReasons() {
        return rejected;
    }

    public Map<ReasonCode, Integer> rejectedByReason() {
        return byReason;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
