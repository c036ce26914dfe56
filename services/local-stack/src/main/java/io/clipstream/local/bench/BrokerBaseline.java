package io.clipstream.local.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The broker's raw throughput for the very records the curator gets: the same bytes produced with
 * the same producer settings to a scratch topic, then consumed back.
 */
final class BrokerBaseline {
    record Result(int records, long bytes, double produceSeconds, double consumeSeconds) {
        double produceRecordsPerSecond() {
            return records / produceSeconds;
        }

        double consumeRecordsPerSecond() {
            return records / consumeSeconds;
        }

        double produceMegabytesPerSecond() {
            return bytes / 1e6 / produceSeconds;
        }
    }

    private BrokerBaseline() {}

    /** @param connection bootstrap servers and credentials */
    static Properties producerConfig(Map<String, Object> connection) {
        Properties p = new Properties();
        p.putAll(connection);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return p;
    }

    static Result measure(Map<String, Object> connection, String topic, List<Map.Entry<byte[], byte[]>> records) {
        long bytes = records.stream()
                .mapToLong(e -> e.getKey().length + e.getValue().length)
                .sum();
        long t0 = System.nanoTime();
        try (var producer =
                new KafkaProducer<>(producerConfig(connection), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (var e : records) {
                producer.send(new ProducerRecord<>(topic, e.getKey(), e.getValue()));
            }
            producer.flush();
        }
        double produceSeconds = (System.nanoTime() - t0) / 1e9;

        Properties c = new Properties();
        c.putAll(connection);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-baseline-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        long t1 = 0;
        int seen = 0;
        try (var consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (seen < records.size() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                if (seen == 0 && !batch.isEmpty()) {
                    t1 = System.nanoTime(); // from the first record: group join and metadata are not throughput
                }
                seen += batch.count();
            }
        }
        if (seen < records.size()) {
            throw new IllegalStateException("baseline consumer saw " + seen + " of " + records.size() + " records");
        }
        return new Result(records.size(), bytes, produceSeconds, (System.nanoTime() - t1) / 1e9);
    }
}
