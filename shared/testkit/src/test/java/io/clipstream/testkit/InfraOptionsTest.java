package io.clipstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipstream.testkit.InfraOptions.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InfraOptionsTest {

    @Test
    void defaultsToEmbedded() {
        InfraOptions o = InfraOptions.from(Map.of(), Map.of());
        assertEquals(InfraOptions.defaults(), o);
        assertEquals(Mode.EMBEDDED, o.mode());
        assertTrue(o.kafkaAutoCreateTopics());
        assertEquals(1, o.kafkaPartitions());
        assertNull(o.kafkaBootstrap());
        assertEquals("us-east-1", o.s3Region());
    }

    @Test
    void readsEnvironmentVariables() {
        InfraOptions o = InfraOptions.from(
                Map.of(),
                Map.of(
                        "CLIPSTREAM_INFRA", "External",
                        "CLIPSTREAM_KAFKA_BOOTSTRAP", "kafka:9092",
                        "CLIPSTREAM_S3_ENDPOINT", "http://minio:9000",
                        "CLIPSTREAM_S3_ACCESS_KEY", "ak",
                        "CLIPSTREAM_S3_SECRET_KEY", "sk",
                        "CLIPSTREAM_S3_REGION", "eu-west-1",
                        "CLIPSTREAM_KAFKA_AUTO_CREATE_TOPICS", "false",
                        "CLIPSTREAM_KAFKA_PARTITIONS", "6",
                        "CLIPSTREAM_INFRA_START_TIMEOUT", "PT3M"));
        assertEquals(Mode.EXTERNAL, o.mode());
        assertEquals("kafka:9092", o.kafkaBootstrap());
        assertEquals("http://minio:9000", o.s3Endpoint());
        assertEquals("ak", o.s3AccessKey());
        assertEquals("sk", o.s3SecretKey());
        assertEquals("eu-west-1", o.s3Region());
        assertFalse(o.kafkaAutoCreateTopics());
        assertEquals(6, o.kafkaPartitions());
        assertEquals(Duration.ofMinutes(3), o.startTimeout());
    }

    @Test
    void systemPropertiesWinOverEnvironmentAndBlankIsUnset() {
        InfraOptions o = InfraOptions.from(
                Map.of(
                        "clipstream.infra",
                        "containers",
                        "clipstream.kafka.partitions",
                        "3",
                        "clipstream.s3.region",
                        " ",
                        "clipstream.infra.start-timeout",
                        "45",
                        "clipstream.kafka.broker.message.max.bytes",
                        "5242880"),
                Map.of(
                        "CLIPSTREAM_INFRA",
                        "external",
                        "CLIPSTREAM_KAFKA_PARTITIONS",
                        "9",
                        "CLIPSTREAM_S3_REGION",
                        "ap-south-1"));
        assertEquals(Mode.CONTAINERS, o.mode());
        assertEquals(3, o.kafkaPartitions());
        assertEquals("ap-south-1", o.s3Region());
        assertEquals(Duration.ofSeconds(45), o.startTimeout());
        assertEquals(Map.of("message.max.bytes", "5242880"), o.kafkaBrokerProperties());
    }

    @Test
    void rejectsBadValuesWithTheSettingName() {
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> InfraOptions.from(Map.of("clipstream.infra", "docker"), Map.of()))
                .getMessage()
                .contains("CLIPSTREAM_INFRA"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> InfraOptions.from(Map.of(), Map.of("CLIPSTREAM_KAFKA_PARTITIONS", "many")))
                .getMessage()
                .contains("partitions"));
        assertThrows(
                IllegalArgumentException.class,
                () -> InfraOptions.from(Map.of(), Map.of("CLIPSTREAM_KAFKA_PARTITIONS", "0")));
        assertThrows(
                IllegalArgumentException.class,
                () -> InfraOptions.from(Map.of(), Map.of("CLIPSTREAM_KAFKA_AUTO_CREATE_TOPICS", "maybe")));
        assertThrows(
                IllegalArgumentException.class,
                () -> InfraOptions.from(Map.of(), Map.of("CLIPSTREAM_INFRA_START_TIMEOUT", "soon")));
    }

    @Test
    void envNames() {
        assertEquals("CLIPSTREAM_S3_ACCESS_KEY", InfraOptions.envName(InfraOptions.S3_ACCESS_KEY));
        assertEquals(
                "QUARKUS_KAFKA_STREAMS_BOOTSTRAP_SERVERS",
                InfraOptions.envName("quarkus.kafka-streams.bootstrap-servers"));
    }

    @Test
    void externalModeNeedsBothEndpoints() {
        InfraOptions o = InfraOptions.defaults().withMode(Mode.EXTERNAL);
        String message = assertThrows(IllegalArgumentException.class, () -> Infra.start(o))
                .getMessage();
        assertTrue(
                message.contains("CLIPSTREAM_KAFKA_BOOTSTRAP") && message.contains("CLIPSTREAM_S3_ENDPOINT"), message);
    }

    @Test
    void externalModeUsesTheGivenEndpoints() {
        try (Infra infra = Infra.start(
                InfraOptions.defaults().withExternal("k:9092", "http://s3:9000").withS3Credentials("a", "b"))) {
            assertEquals("k:9092", infra.kafkaBootstrapServers());
            assertEquals("http://s3:9000", infra.s3Endpoint());
            Map<String, String> config = infra.quarkusConfig();
            assertEquals("k:9092", config.get("kafka.bootstrap.servers"));
            assertEquals("k:9092", config.get("quarkus.kafka-streams.bootstrap-servers"));
            assertEquals("http://s3:9000", config.get("clipstream.storage.endpoint"));
            assertEquals("a", config.get("clipstream.storage.access-key"));
            assertEquals("b", config.get("clipstream.storage.secret-key"));
            assertEquals("false", config.get("quarkus.devservices.enabled"));
            assertEquals("k:9092", infra.environment().get("KAFKA_BOOTSTRAP_SERVERS"));
            assertEquals("http://s3:9000", infra.environment().get("CLIPSTREAM_S3_ENDPOINT"));
        }
    }

    @Test
    void containersModeFailsClearlyWithoutDocker() {
        assumeTrue(
                System.getenv("DOCKER_HOST") == null && !Files.exists(Path.of("/var/run/docker.sock")),
                "a Docker engine may exist");
        String message = assertThrows(
                        IllegalStateException.class,
                        () -> Infra.start(InfraOptions.defaults().withMode(Mode.CONTAINERS)))
                .getMessage();
        assertTrue(message.contains("Docker engine"), message);
    }
}
