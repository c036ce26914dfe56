package io.clipstream.testkit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clipstream.contracts.Principal;
import io.clipstream.contracts.TopicSpecs;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded broker is locked down: no credentials, no entry; each service writes only the
 * topics it produces (ACLs from shared/contracts' TopicSpecs), reads only what it consumes.
 */
class KafkaSecurityIT {
    private static Infra infra;

    @BeforeAll
    static void start() {
        infra = Infra.shared();
        org.junit.jupiter.api.Assumptions.assumeTrue(infra.kafkaSecurity().enabled(), "embedded broker with SASL");
        infra.createTopics(TopicSpecs.ALL.stream()
                .map(t -> Topics.topic(t.name(), 1, t.configs()))
                .toArray(org.apache.kafka.clients.admin.NewTopic[]::new));
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> connection) {
        Map<String, Object> c = new HashMap<>(connection);
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
    }

    private static Throwable sendFailure(Map<String, Object> connection, String topic) {
        try (KafkaProducer<String, String> p = producer(connection)) {
            ExecutionException e = assertThrows(
                    ExecutionException.class,
                    () -> p.send(new ProducerRecord<>(topic, "k", "v")).get(20, TimeUnit.SECONDS));
            return e.getCause();
        } catch (org.apache.kafka.common.KafkaException e) {
            return e; // send() itself can fail once the client knows it is not authorised
        }
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        // it waits for metadata it never gets: 3 s of it (the others' 10 s is for a loaded build machine)
        Map<String, Object> anonymous = Map.of(
                CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                infra.kafkaBootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                3_000);
        Throwable failure = sendFailure(anonymous, TopicSpecs.PAIRS_RAW.name());
        // the SASL listener closes a connection that does not start with a SASL handshake: the client never learns
        // the topic's metadata, and nothing was written
        assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, failure, failure.toString());
        assertTrue(failure.getMessage().contains("metadata"), failure.toString());
    }

    @Test
    void aWrongPasswordIsAnAuthenticationFailure() {
        Map<String, Object> wrong = new HashMap<>(infra.kafkaClientConfig(Principal.GATEWAY));
        wrong.put("sasl.jaas.config", KafkaSecurity.jaas(Principal.GATEWAY.user(), "not-the-password"));
        Throwable failure = sendFailure(wrong, TopicSpecs.PAIRS_RAW.name());
        assertInstanceOf(SaslAuthenticationException.class, failure, failure.toString());
    }

    @Test
    void theGatewayWritesPairsRawButNotWhatTheCuratorWrites() throws Exception {
        try (KafkaProducer<String, String> p = producer(infra.kafkaClientConfig(Principal.GATEWAY))) {
            p.send(new ProducerRecord<>(TopicSpecs.PAIRS_RAW.name(), "k", "{}")).get(20, TimeUnit.SECONDS);
        }
        for (String topic : List.of(
                TopicSpecs.PAIRS_CURATED.name(), TopicSpecs.PAIRS_REJECTED.name(), TopicSpecs.MODEL_VERSIONS.name())) {
            Throwable failure = sendFailure(infra.kafkaClientConfig(Principal.GATEWAY), topic);
            assertInstanceOf(TopicAuthorizationException.class, failure, topic + ": " + failure);
        }
    }

    @Test
    void theCuratorReadsPairsRawAndWritesPairsCuratedButNotPairsRaw() throws Exception {
        try (KafkaProducer<String, String> p = producer(infra.kafkaClientConfig(Principal.CURATOR))) {
            p.send(new ProducerRecord<>(TopicSpecs.PAIRS_CURATED.name(), "sha", "{}"))
                    .get(20, TimeUnit.SECONDS);
        }
        assertInstanceOf(
                TopicAuthorizationException.class,
                sendFailure(infra.kafkaClientConfig(Principal.CURATOR), TopicSpecs.PAIRS_RAW.name()));

        Map<String, Object> c = new HashMap<>(infra.kafkaClientConfig(Principal.CURATOR));
        c.put(ConsumerConfig.GROUP_ID_CONFIG, Principal.CURATOR.user() + "-probe-" + UUID.randomUUID());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TopicSpecs.PAIRS_RAW.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int read = 0;
            while (read == 0 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(300)).count();
            }
            assertTrue(read > 0, "the curator reads what the gateway wrote");
        }
    }

    /**
     * The trainer may read pairs.curated; in a group of its own it does, in the curator's group it is refused for the
     * group alone (GroupAuthorizationException, not a topic error).
     */
    @Test
    void aServiceCannotJoinAnotherServicesConsumerGroup() {
        try (var own = consumer(Principal.TRAINER, Principal.TRAINER.user() + "-probe-" + UUID.randomUUID())) {
            own.subscribe(List.of(TopicSpecs.PAIRS_CURATED.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < deadline && own.assignment().isEmpty()) {
                own.poll(Duration.ofMillis(300)); // throws if the topic or the group were refused
            }
            assertTrue(!own.assignment().isEmpty(), "the trainer consumes pairs.curated in its own group");
        }
        try (var foreign = consumer(Principal.TRAINER, Principal.CURATOR.user())) {
            foreign.subscribe(List.of(TopicSpecs.PAIRS_CURATED.name()));
            Exception e = assertThrows(Exception.class, () -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (System.nanoTime() < deadline) {
                    foreign.poll(Duration.ofMillis(300));
                }
            });
            assertInstanceOf(org.apache.kafka.common.errors.GroupAuthorizationException.class, e, e.toString());
        }
    }

    private static KafkaConsumer<String, String> consumer(Principal principal, String group) {
        Map<String, Object> c = new HashMap<>(infra.kafkaClientConfig(principal));
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    }
}
