package io.clipstream.contracts;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * A service's whole {@code kafka.*} connection (bootstrap servers, security, SASL) cut down to what
 * one client type accepts, so that every client of a service connects the same way and none logs
 * warnings about unknown settings.
 */
public final class KafkaClientSettings {
    private KafkaClientSettings() {}

    public static Map<String, Object> forAdmin(Map<String, Object> kafka) {
        return only(kafka, AdminClientConfig.configNames());
    }

    public static Map<String, Object> forProducer(Map<String, Object> kafka) {
        return only(kafka, ProducerConfig.configNames());
    }

    public static Map<String, Object> forConsumer(Map<String, Object> kafka) {
        return only(kafka, ConsumerConfig.configNames());
    }

    private static Map<String, Object> only(Map<String, Object> kafka, Set<String> names) {
        Map<String, Object> out = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (names.contains(k)) {
                out.put(k, v);
            }
        });
        return out;
    }
}
