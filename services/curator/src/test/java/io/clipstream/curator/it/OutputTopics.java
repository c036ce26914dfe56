package io.clipstream.curator.it;

import io.clipstream.contracts.Json;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairDeadLettered;
import io.clipstream.contracts.PairRejected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads pairs.curated and pairs.rejected from the beginning with {@code isolation.level=read_committed}
 * (what a downstream consumer of an exactly-once pipeline sees). Call {@link #poll()} inside an
 * Awaitility condition.
 */
public final class OutputTopics implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String curatedTopic;
    private final List<ConsumerRecord<String, PairCurated>> curated = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, PairRejected>> rejected = new CopyOnWriteArrayList<>();
    private final List<ConsumerRecord<String, PairDeadLettered>> deadLettered = new CopyOnWriteArrayList<>();
    private final String deadLetterTopic;

    public OutputTopics(Map<String, Object> connection, String curatedTopic, String rejectedTopic) {
        this(connection, curatedTopic, rejectedTopic, null);
    }

    /** Also reads the dead-letter topic, when {@code deadLetterTopic} is not null. */
    public OutputTopics(
            Map<String, Object> connection, String curatedTopic, String rejectedTopic, String deadLetterTopic) {
        this.curatedTopic = curatedTopic;
        this.deadLetterTopic = deadLetterTopic;
        Map<String, Object> config = new java.util.HashMap<>(connection);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        List<String> topics = deadLetterTopic == null
                ? List.of(curatedTopic, rejectedTopic)
                : List.of(curatedTopic, rejectedTopic, deadLetterTopic);
        for (String topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads what is there now. */
    public void poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(curatedTopic)) {
                curated.add(map(r, Json.read(r.value(), PairCurated.class)));
            } else if (r.topic().equals(deadLetterTopic)) {
                deadLettered.add(map(r, Json.read(r.value(), PairDeadLettered.class)));
            } else {
                rejected.add(map(r, Json.read(r.value(), PairRejected.class)));
            }
        }
    }

    /** Reads up to the current end (last stable offset) of every partition. */
    public void drain() {
        Collection<TopicPartition> assigned = consumer.assignment();
        Map<TopicPartition, Long> end = consumer.endOffsets(assigned);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (assigned.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read to the end of " + end);
            }
            poll();
        }
    }

    public List<ConsumerRecord<String, PairCurated>> curated() {
        return curated;
    }

    public List<ConsumerRecord<String, PairRejected>> rejected() {
        return rejected;
    }

    public List<ConsumerRecord<String, PairDeadLettered>> deadLettered() {
        return deadLettered;
    }

    public Optional<PairCurated> curated(String pairId) {
        return curated.stream()
                .map(ConsumerRecord::value)
                .filter(c -> pairId.equals(c.pairId()))
                .findFirst();
    }

    public Optional<PairRejected> rejected(String pairId) {
        return rejected.stream()
                .map(ConsumerRecord::value)
                .filter(c -> pairId.equals(c.pairId()))
                .findFirst();
    }

    private static <V> ConsumerRecord<String, V> map(ConsumerRecord<String, byte[]> r, V value) {
        return new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), value);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
