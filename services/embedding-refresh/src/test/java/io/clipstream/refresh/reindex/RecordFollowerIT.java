package io.clipstream.refresh.reindex;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.Backoff;
import io.clipstream.contracts.Readers;
import io.clipstream.contracts.RecordFollower;
import io.clipstream.testkit.Infra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * The followers of the refresh service (champion watch, operations journal) go on after a failure, on a real broker:
 * a handler that throws gets the same record again after the back-off, nothing is skipped or handed twice once
 * handled, and the health says what happened.
 */
class RecordFollowerIT {

    @Test
    void aHandlerThatThrowsGetsTheRecordAgainAndTheFollowerGoesOn() throws Exception {
        Infra infra = Infra.shared();
        String topic = "it.follower." + UUID.randomUUID();
        infra.createTopics(new NewTopic(topic, 1, (short) 1));
        try (KafkaProducer<String, byte[]> producer = infra.bytesProducer()) {
            for (String v : List.of("a", "b", "c")) {
                producer.send(new ProducerRecord<>(topic, v, v.getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
        }
        List<String> handed = new CopyOnWriteArrayList<>();
        AtomicInteger failuresLeft = new AtomicInteger(2);
        KafkaConsumer<String, byte[]> consumer = Readers.create(infra.kafkaClientConfig());
        try (RecordFollower follower = new RecordFollower(
                consumer, "it-follower", new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)))) {
            follower.start(
                    () -> {
                        TopicPartition tp = new TopicPartition(topic, 0);
                        consumer.assign(List.of(tp));
                        consumer.seekToBeginning(List.of(tp));
                    },
                    r -> {
                        handed.add(r.key());
                        if (r.key().equals("b") && failuresLeft.getAndDecrement() > 0) {
                            throw new IllegalStateException("refresh busy");
                        }
                    });
            await().atMost(Duration.ofSeconds(30)).until(() -> handed.contains("c"));
            assertThat(handed).containsExactly("a", "b", "b", "b", "c");
            RecordFollower.Health h = follower.health();
            assertThat(h.failures()).isEqualTo(2);
            assertThat(h.lastError()).contains("refresh busy");
            await().atMost(Duration.ofSeconds(5)).until(() -> follower.health().consecutiveFailures() == 0);
            assertThat(follower.health().failing()).isFalse();

            try (KafkaProducer<String, byte[]> producer = infra.bytesProducer()) {
                producer.send(new ProducerRecord<>(topic, "d", new byte[] {1})).get();
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> handed.contains("d"));
            assertThat(handed).containsExactly("a", "b", "b", "b", "c", "d");
        }
    }
}
