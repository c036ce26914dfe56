package io.clipstream.trainer.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.Backoff;
import io.clipstream.contracts.Json;
import io.clipstream.contracts.KafkaClientSettings;
import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.TopicCreator;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.storage.ContentAddress;
import io.clipstream.testkit.Infra;
import io.clipstream.trainer.ledger.CuratedRecordCheck.Reason;
import io.clipstream.trainer.ledger.RefusedRecords.Refusal;
import io.clipstream.trainer.metrics.TrainerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The feed on the real broker when reading fails: the callback that takes each poll's pairs throws once; the feed
 * closes its consumer, reads on with a new one from where it got to, and every record is pending (or refused) once.
 */
class CuratedFeedIT {
    private final String topic = "feed-it.pairs.curated-" + System.nanoTime();
    private final Map<String, Object> kafka = Infra.shared().kafkaClientConfig();
    private final KafkaProducer<String, byte[]> producer = Infra.shared().bytesProducer();
    private CuratedFeed feed;

    @AfterEach
    void close() {
        if (feed != null) {
            feed.close();
        }
        producer.close();
    }

    private void send(int offset, String domain) throws Exception {
        Instant t = Instant.now();
        String sha = String.format("%064x", 5000 + offset);
        PairCurated c = new PairCurated(
                PairCurated.SCHEMA_VERSION,
                "p" + offset,
                "it",
                domain,
                sha,
                ContentAddress.imageKey(sha, "png"),
                null,
                "png",
                "0000000000000000",
                28,
                28,
                "a photo of a circle.",
                Map.of(),
                t,
                t);
        producer.send(new ProducerRecord<>(topic, sha, Json.write(c))).get();
    }

    @Test
    void aFeedThatFailsReadsOnFromWhereItGotAndTakesEveryRecordOnce() throws Exception {
        TopicCreator.createMissing(
                KafkaClientSettings.forAdmin(kafka), Map.of(TopicSpecs.PAIRS_CURATED, topic), 1, (short) 1, n -> {});
        for (int i = 0; i < 6; i++) {
            send(i, i == 3 ? "Upper" : "plain");
        }

        PendingPairs pending = new PendingPairs();
        RefusedRecords refused = new RefusedRecords();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TrainerMetrics metrics = new TrainerMetrics(meters, Clock.systemUTC(), pending::perDomain);
        AtomicBoolean failedOnce = new AtomicBoolean();
        List<PairRef> handed = new CopyOnWriteArrayList<>();
        feed = new CuratedFeed(
                KafkaClientSettings.forConsumer(kafka),
                topic,
                pending,
                new Backoff(Duration.ofMillis(100), Duration.ofMillis(400)),
                Clock.systemUTC(),
                r -> {
                    refused.add(r);
                    metrics.refused(r.reason());
                },
                read -> {
                    if (failedOnce.compareAndSet(false, true)) {
                        throw new IllegalStateException("the prefetcher broke");
                    }
                    handed.addAll(read);
                },
                metrics::feedRestarted);
        feed.start(LedgerState.empty());

        await().atMost(Duration.ofSeconds(60))
                .until(() -> feed.health().restarts() >= 1 && feed.assigned() && pending.readUpTo(0) == 6);
        assertThat(feed.health().lastFailure()).isEqualTo("IllegalStateException: the prefetcher broke");
        send(6, "plain");
        send(7, "plain");
        await().atMost(Duration.ofSeconds(60)).until(() -> pending.readUpTo(0) == 8);

        assertThat(pending.snapshot().pairs()).extracting(PairRef::offset).containsExactly(0L, 1L, 2L, 4L, 5L, 6L, 7L);
        assertThat(refused.recent()).singleElement().satisfies(r -> {
            assertThat(r.offset()).isEqualTo(3);
            assertThat(r.pairId()).isEqualTo("p3");
            assertThat(r.reason()).isEqualTo(Reason.DOMAIN_INVALID);
        });
        assertThat(handed).extracting(PairRef::offset).contains(6L, 7L).doesNotHaveDuplicates();
        assertThat(feed.health().restarts()).isEqualTo(1);
        assertThat(feed.health().downSince()).as("reading again").isNull();
        assertThat(feed.caughtUp()).isTrue();
        assertThat(meters.counter("clipstream.trainer.feed.restarts").count()).isEqualTo(1.0);
        assertThat(meters.counter("clipstream.trainer.curated.refused", "reason", "DOMAIN_INVALID")
                        .count())
                .isEqualTo(1.0);
        assertThat(refused.recent()).extracting(Refusal::reason).containsOnly(Reason.DOMAIN_INVALID);
    }
}
