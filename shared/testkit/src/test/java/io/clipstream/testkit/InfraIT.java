package io.clipstream.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One infrastructure (from the environment: embedded by default) for all tests of this class. */
class InfraIT {

    private static Infra infra;

    @BeforeAll
    static void start() {
        long t0 = System.nanoTime();
        infra = Infra.start(InfraOptions.fromEnvironment());
        System.out.printf("InfraIT: %s ready in %.1f s%n", infra, (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void stop() {
        if (infra != null) {
            long t0 = System.nanoTime();
            infra.close();
            System.out.printf("InfraIT: stopped in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    @Test
    void producesAndConsumesOnACreatedTopic() throws Exception {
        String topic = "plain-" + UUID.randomUUID();
        infra.createTopics(Topics.topic(topic, 2));
        try (var producer = producer(Map.of())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
        assertEquals(10, consume(topic, 10, "read_uncommitted").size());
    }

    @Test
    void transactionalProduceIsSeenOnlyWhenCommitted() {
        String topic = "tx-" + UUID.randomUUID(); // auto-created by the broker
        try (var producer = producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID()))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "a", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "c", "committed-1"));
            producer.send(new ProducerRecord<>(topic, "c", "committed-2"));
            producer.commitTransaction();
        }
        List<String> values = consume(topic, 2, "read_committed").stream()
                .map(ConsumerRecord::value)
                .toList();
        assertEquals(List.of("committed-1", "committed-2"), values);
    }

    @Test
    void createsCompactedTopicsIdempotently() throws Exception {
        String topic = "compacted-" + UUID.randomUUID();
        infra.createTopics(Topics.compacted(topic, 3));
        infra.createTopics(Topics.compacted(topic, 3)); // exists: no error
        try (Admin admin = Admin.create(infra.kafkaClientConfig())) {
            assertEquals(
                    3,
                    admin.describeTopics(Set.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .size());
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            String policy = admin.describeConfigs(Set.of(resource))
                    .all()
                    .get()
                    .get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                    .value();
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, policy);
        }
    }

    @Test
    void storesAndReadsAnObjectThroughTheMinioSdk() throws Exception {
        try (MinioClient s3 = MinioClient.builder()
                .endpoint(infra.s3Endpoint())
                .credentials(infra.s3AccessKey(), infra.s3SecretKey())
                .region(infra.s3Region())
                .build()) {
            s3.makeBucket(MakeBucketArgs.builder().bucket("clipstream-it").build());
            assertTrue(s3.bucketExists(
                    BucketExistsArgs.builder().bucket("clipstream-it").build()));
            byte[] body = "hello object".getBytes(StandardCharsets.UTF_8);
            s3.putObject(PutObjectArgs.builder().bucket("clipstream-it").object("a/b.txt").stream(
                            new ByteArrayInputStream(body), body.length, -1)
                    .contentType("text/plain")
                    .build());
            try (InputStream in = s3.getObject(GetObjectArgs.builder()
                    .bucket("clipstream-it")
                    .object("a/b.txt")
                    .build())) {
                assertEquals("hello object", new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void childJvmStopsGracefullyOrHard() {
        ChildJvm graceful = sleeper();
        assertTrue(graceful.stopGracefully(Duration.ofSeconds(10)));
        assertFalse(graceful.isAlive());
        assertTrue(graceful.logTail(5).contains("bye"), graceful.logTail(5));

        ChildJvm hard = sleeper();
        hard.kill();
        assertFalse(hard.isAlive());
        assertFalse(ProcessHandle.of(hard.pid()).map(ProcessHandle::isAlive).orElse(false));
        assertFalse(hard.logTail(5).contains("bye"), "SIGKILL must not run shutdown hooks");
    }

    @Test
    void childJvmFailureCarriesTheLogTail() {
        ChildJvm broken = ChildJvm.builder("broken").mainClass("no.such.Main").start();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> broken.awaitLogLine("never", Duration.ofSeconds(30)));
        assertTrue(
                e.getMessage().contains("exited with code 1") && e.getMessage().contains("no.such.Main"),
                e.getMessage());
    }

    @Test
    void childExitsWhenItsParentIsKilled(@TempDir Path dir) {
        ChildJvm spawner = ChildJvm.builder("spawner")
                .classpath(TestApps.classpath())
                .mainClass(TestApps.Spawner.class.getName())
                .args(dir.resolve("grandchild.log").toString())
                .start();
        String line = spawner.awaitLogLine("grandchild pid \\d+", Duration.ofSeconds(60));
        Matcher m = Pattern.compile("pid (\\d+)").matcher(line);
        assertTrue(m.find());
        ProcessHandle grandchild = ProcessHandle.of(Long.parseLong(m.group(1))).orElseThrow();
        spawner.kill();
        grandchild.onExit().orTimeout(20, java.util.concurrent.TimeUnit.SECONDS).join();
        assertFalse(grandchild.isAlive());
    }

    private static ChildJvm sleeper() {
        ChildJvm child = ChildJvm.builder("sleeper")
                .classpath(TestApps.classpath())
                .mainClass(TestApps.Sleeper.class.getName())
                .jvmArgs("-Xmx32m", "-XX:TieredStopAtLevel=1")
                .start();
        child.awaitLogLine("^ready$", Duration.ofSeconds(30));
        assertTrue(child.isAlive());
        return child;
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(infra.kafkaClientConfig());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, int expected, String isolation) {
        Map<String, Object> config = new java.util.HashMap<>(infra.kafkaClientConfig());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "g-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // A short extra poll: nothing beyond the expected records may show up (e.g. aborted ones).
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
