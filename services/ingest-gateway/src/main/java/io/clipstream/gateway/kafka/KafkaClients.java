package io.clipstream.gateway.kafka;

import io.clipstream.contracts.EventSerdes;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.PairSubmitted;
import io.clipstream.gateway.GatewayConfig;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The gateway's Kafka clients. Connection settings come from {@code kafka.*} (Quarkus' default
 * Kafka configuration: {@code kafka.bootstrap.servers}, security...); the delivery guarantees are
 * fixed here: idempotent producer, {@code acks=all}.
 */
@ApplicationScoped
public class KafkaClients {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    GatewayConfig config;

    @Produces
    @ApplicationScoped
    Producer<String, PairSubmitted> pairProducer() {
        return new KafkaProducer<>(
                producerConfig(kafkaConfig, config.publishTimeout(), config.producer()),
                new StringSerializer(),
                EventSerdes.serializer());
    }

    void closeProducer(@Disposes Producer<String, PairSubmitted> producer) {
        producer.close(Duration.ofSeconds(5));
    }

    @Produces
    @ApplicationScoped
    Admin admin() {
        Map<String, Object> props = KafkaClientSettings.forAdmin(kafkaConfig);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "clipstream-ingest-gateway-health");
        props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(props);
    }

    void closeAdmin(@Disposes Admin admin) {
        admin.close(Duration.ofSeconds(5));
    }

    /** Visible for tests. Timeouts derive from the publish timeout so a record is acked or failed by then. */
    static Map<String, Object> producerConfig(
            Map<String, Object> kafka, Duration publishTimeout, GatewayConfig.Producer producer) {
        Map<String, Object> props = KafkaClientSettings.forProducer(kafka);
        long timeoutMs = publishTimeout.toMillis();
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "clipstream-ingest-gateway");
        props.put(ProducerConfig.LINGER_MS_CONFIG, producer.lingerMs());
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, producer.compressionType());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, producer.maxRequestSize());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1_000, timeoutMs / 2));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                Math.max(timeoutMs, producer.lingerMs() + Math.max(1_000, timeoutMs / 2)));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        // not overridable: the gateway answers 202 only for a record every in-sync replica holds, written once
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        return props;
    }
}
