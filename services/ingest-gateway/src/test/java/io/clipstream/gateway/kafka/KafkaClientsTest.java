package io.clipstream.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.gateway.GatewayConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {
    private static final GatewayConfig.Producer DEFAULTS = new GatewayConfig.Producer() {
        public int lingerMs() {
            return 5;
        }

        public String compressionType() {
            return "lz4";
        }

        public int maxRequestSize() {
            return 8388608;
        }
    };

    @Test
    void deliveryGuaranteesCannotBeWeakenedByKafkaStarConfig() {
        Map<String, Object> props = KafkaClients.producerConfig(
                Map.of(
                        "bootstrap.servers", "broker:9092",
                        "acks", "1",
                        "enable.idempotence", "false",
                        "security.protocol", "SSL",
                        "group.id", "consumer-only, dropped"),
                Duration.ofSeconds(10),
                DEFAULTS);
        assertThat(props)
                .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092")
                .containsEntry("security.protocol", "SSL")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8388608)
                .doesNotContainKey("group.id");
    }

    @Test
    void timeoutsFollowThePublishTimeout() {
        Map<String, Object> props = KafkaClients.producerConfig(Map.of(), Duration.ofSeconds(10), DEFAULTS);
        assertThat(props)
                .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000L)
                .containsEntry(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000)
                .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms
        Map<String, Object> tiny = KafkaClients.producerConfig(Map.of(), Duration.ofMillis(500), DEFAULTS);
        assertThat((int) tiny.get(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG))
                .isGreaterThanOrEqualTo(5 + (int) tiny.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG));
    }
}
