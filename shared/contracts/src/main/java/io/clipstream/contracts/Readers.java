package io.clipstream.contracts;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Consumers that read topics by position, outside any group (the reader keeps its positions itself: the trainer in its
 * ledger, embedding refresh in its index), and only
 * what is committed.
 */
public final class Readers {
    private Readers() {}

    /** @param consumerSettings the service's Kafka connection, cut to consumer settings */
    public static KafkaConsumer<String, byte[]> create(Map<String, Object> consumerSettings) {
        Map<String, Object> cfg = new HashMap<>(consumerSettings);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        cfg.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(cfg);
    }
}
