package io.clipstream.curator.it;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** An idempotent producer to pairs.raw (acks=all), like the gateway's. */
public final class RawProducer implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;

    /** @param connection bootstrap servers and credentials, e.g. {@code Infra#kafkaClientConfig()} */
    public RawProducer(Map<String, Object> connection, String topic) {
        this.topic = topic;
        Map<String, Object> config = new java.util.HashMap<>(connection);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    public void send(String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send " + key, e.getCause());
        }
    }

    public void sendAsync(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value));
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
