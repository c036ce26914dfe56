package io.clipstream.curator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.PairCurated;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.faults.InPlaceRetry;
import io.clipstream.curator.faults.StorageHealth;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.inspect.CandidateSerde;
import io.clipstream.curator.it.OutputTopics;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

/**
 * The store stage on the real broker and S3 server: a batch of accepted pairs ends curated exactly
 * once with both objects stored, an unreadable accepted record is dead-lettered and does not stop
 * the others, and a restarted stage (same group and transactional id) publishes nothing twice.
 */
class StoreStageIT {
    private static final String ACCEPTED = "stage.accepted";
    private static final String CURATED = "stage.curated";
    private static final String DEADLETTER = "stage.deadletter";
    private static final Serializer<Candidate> CANDIDATES = new CandidateSerde().serializer();

    @Test
    void acceptedPairsEndCuratedOnceWithTheirObjectsAndAnUnreadableOneIsDeadLettered() throws Exception {
        Infra infra = Infra.shared();
        infra.createTopics(
                new NewTopic(ACCEPTED, 2, (short) 1),
                new NewTopic(CURATED, 2, (short) 1),
                new NewTopic(DEADLETTER, 1, (short) 1),
                new NewTopic("stage.rejected", 1, (short) 1));
        try (ObjectStore store = ObjectStore.connect(
                        StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                                .withBucket("curator-stage-it"));
                StorageHealth health = new StorageHealth(() -> true, () -> {}, Duration.ofSeconds(1));
                KafkaProducer<String, byte[]> producer = infra.bytesProducer();
                OutputTopics out = new OutputTopics(infra.kafkaClientConfig(), CURATED, "stage.rejected", DEADLETTER)) {
            store.ensureBucket();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                Candidate c = candidate("st-" + i, TestImages.png(TestImages.photo(64, 64, 90_000 + i)));
                producer.send(new ProducerRecord<>(ACCEPTED, c.sha256(), CANDIDATES.serialize(ACCEPTED, c)));
                sent.add(c.pairId());
                if (i == 30) {
                    producer.send(new ProducerRecord<>(
                            ACCEPTED, "garbage", "not a candidate".getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();

            try (StoreStage stage = stage(infra, store, health)) {
                stage.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    out.poll();
                    return out.curated().size() >= sent.size()
                            && !out.deadLettered().isEmpty();
                });
            }
            assertThat(out.curated()).extracting(r -> r.value().pairId()).containsExactlyInAnyOrderElementsOf(sent);
            for (ConsumerRecord<String, PairCurated> r : out.curated()) {
                assertThat(r.key()).isEqualTo(r.value().catalogueKey());
                assertThat(store.exists(r.value().imageKey())).isTrue();
                assertThat(store.exists(ContentAddress.textKey(
                                r.value().source(), r.value().sha256())))
                        .isTrue();
                assertThat(r.value().textKey())
                        .isEqualTo(ContentAddress.textKey(
                                r.value().source(), r.value().sha256()));
            }
            assertThat(out.deadLettered()).singleElement().satisfies(r -> {
                assertThat(r.value().stage()).isEqualTo("store");
                assertThat(r.value().rawTopic()).isEqualTo(ACCEPTED);
            });

            // a restart reads on from the committed offsets: only the new pair is published
            Candidate late = candidate("st-late", TestImages.png(TestImages.photo(64, 64, 91_000)));
            producer.send(new ProducerRecord<>(ACCEPTED, late.sha256(), CANDIDATES.serialize(ACCEPTED, late)))
                    .get();
            try (StoreStage again = stage(infra, store, health)) {
                again.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    out.poll();
                    return out.curated("st-late").isPresent();
                });
                out.drain();
            }
            assertThat(out.curated()).hasSize(sent.size() + 1);
            assertThat(out.deadLettered()).hasSize(1);
        }
    }

    private static StoreStage stage(Infra infra, ObjectStore store, StorageHealth health) {
        CuratorMetrics metrics = new CuratorMetrics(new SimpleMeterRegistry());
        Clock clock = Clock.systemUTC();
        StoreStep step = new StoreStep(
                new CuratedObjectWriter(store, metrics, true),
                new InPlaceRetry(health, 2, Duration.ofMillis(10), Duration.ofSeconds(5)),
                clock);
        Map<String, Object> kafka = infra.kafkaClientConfig();
        return new StoreStage(
                KafkaClientSettings.forConsumer(kafka),
                KafkaClientSettings.forProducer(kafka),
                "curator-stage-it-store",
                "curator-stage-it-store-1",
                Duration.ofMinutes(1),
                16,
                8,
                new StoreStage.Topics(ACCEPTED, CURATED, DEADLETTER),
                step,
                metrics,
                clock,
                Duration.ofMillis(200));
    }

    private static Candidate candidate(String pairId, byte[] png) {
        return new Candidate(
                pairId,
                "it",
                "stage",
                "default",
                "a picture for the store stage " + pairId,
                "a picture for the store stage " + pairId,
                ContentAddress.sha256Hex(png),
                "0000000000000000",
                "png",
                "image/png",
                64,
                64,
                100.0,
                png,
                Instant.now(),
                "stage.raw",
                0,
                0);
    }
}
