package io.clipstream.curator.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged curator ({@code target/quarkus-app/quarkus-run.jar}) as a child JVM, killed hard
 * (SIGKILL) in the middle of a stream of 300 pairs and restarted: every pair ends exactly once in
 * pairs.curated or pairs.rejected (read_committed), every curated pair has exactly one image and one
 * text object, none is missing.
 */
class CrashRecoveryIT {
    private static final int PAIRS = 300;
    private static final String APP_ID = "curator-crash-it";
    private static final String RAW = "crash.pairs.raw";
    private static final String CURATED = "crash.pairs.curated";
    private static final String REJECTED = "crash.pairs.rejected";
    private static final String BUCKET = "curator-crash-it";

    private final List<ChildJvm> children = new ArrayList<>();

    @AfterEach
    void stopChildren() {
        children.forEach(c -> {
            if (c.isAlive()) {
                c.stopGracefully(Duration.ofSeconds(10));
            }
        });
    }

    private ChildJvm startCurator(Infra infra, Path stateDir, Path log) {
        Map<String, String> props = CuratorProcess.baseProperties(APP_ID, "crash", BUCKET, stateDir);
        props.put("clipstream.topics.partitions", "3");
        props.put("clipstream.curator.defaults.min-side", "32");
        ChildJvm child = CuratorProcess.start(infra, props, log);
        children.add(child);
        return child;
    }

    /** Pair i: mostly distinct sharp images; every 15th a blank one, every 15th a byte copy of an earlier one. */
    private static byte[] pair(int i) {
        String id = "crash-" + i;
        String caption = "crash pair " + i + ": a picture of coloured shapes";
        if (i % 15 == 7) {
            return TestPairs.event(id, "it", caption, TestImages.png(TestImages.blank(64, 64, Color.DARK_GRAY)));
        }
        int seed = i % 15 == 11 ? i - 5 : i; // same bytes as pair i-5: DUPLICATE_EXACT for one of the two
        return TestPairs.event(id, "it", caption, TestImages.png(TestImages.photo(64, 64, 70_000 + seed)));
    }

    @Test
    void killedMidStreamAndRestartedEveryPairEndsExactlyOnce() throws Exception {
        Infra infra = Infra.shared();
        Path stateDir = Files.createTempDirectory("curator-crash-state");
        Path logDir = Path.of("target", "crash-it");
        Files.createDirectories(logDir);
        long t0 = System.nanoTime();

        ChildJvm first = startCurator(infra, stateDir, logDir.resolve("curator-1.log"));
        long started = System.nanoTime();

        List<byte[]> events = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            events.add(pair(i));
        }
        try (RawProducer raw = new RawProducer(infra.kafkaClientConfig(), RAW);
                OutputTopics out = new OutputTopics(infra.kafkaClientConfig(), CURATED, REJECTED)) {
            // a steady stream (~60 pairs/s) so that the kill lands in the middle of it
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < PAIRS; i++) {
                    raw.sendAsync("crash-" + i, events.get(i));
                    if (i % 6 == 5) {
                        raw.flush();
                        sleepQuietly(100);
                    }
                }
                raw.flush();
            });

            await().atMost(Duration.ofSeconds(60)).until(() -> {
                out.poll();
                return out.curated().size() + out.rejected().size() >= 60;
            });
            first.kill();
            int atKill = out.curated().size() + out.rejected().size();
            assertThat(atKill).as("outputs when killed").isLessThan(PAIRS);
            long killed = System.nanoTime();

            producing.get();
            startCurator(infra, stateDir, logDir.resolve("curator-2.log"));
            long restarted = System.nanoTime();

            await().atMost(Duration.ofSeconds(120)).until(() -> {
                out.poll();
                return distinctPairIds(out).size() >= PAIRS;
            });
            awaitInputCommitted(infra);
            out.drain();
            long done = System.nanoTime();

            // exactly once on the topics
            Map<String, Long> perPair = new HashMap<>();
            out.curated().forEach(r -> perPair.merge(r.value().pairId(), 1L, Long::sum));
            out.rejected().forEach(r -> perPair.merge(r.value().pairId(), 1L, Long::sum));
            assertThat(perPair).hasSize(PAIRS);
            assertThat(perPair.values()).allMatch(n -> n == 1L);
            int expectedRejected = 2 * (PAIRS / 15);
            assertThat(out.rejected()).hasSize(expectedRejected);
            assertThat(out.curated()).hasSize(PAIRS - expectedRejected);
            Map<ReasonCode, Long> reasons = out.rejected().stream()
                    .map(ConsumerRecord::value)
                    .collect(Collectors.groupingBy(r -> r.reasons().getFirst(), Collectors.counting()));
            assertThat(reasons)
                    .containsEntry(ReasonCode.IMAGE_BLURRY, (long) PAIRS / 15)
                    .containsEntry(ReasonCode.DUPLICATE_EXACT, (long) PAIRS / 15);

            // exactly one object per curated pair, none missing, none extra
            try (ObjectStore store =
                    ObjectStore.connect(StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                            .withBucket(BUCKET))) {
                List<String> images = store.list("pairs/images/");
                List<String> texts = store.list("pairs/text/");
                Set<String> expectedImages =
                        out.curated().stream().map(r -> r.value().imageKey()).collect(Collectors.toSet());
                assertThat(expectedImages).hasSize(PAIRS - expectedRejected);
                assertThat(images)
                        .hasSize(PAIRS - expectedRejected)
                        .containsExactlyInAnyOrderElementsOf(expectedImages);
                assertThat(texts).as("text objects are off by default").isEmpty();
                assertThat(out.curated())
                        .allSatisfy(r -> assertThat(r.value().textKey()).isNull());
                for (ConsumerRecord<String, PairCurated> r : out.curated().subList(0, 10)) {
                    byte[] bytes = store.get(r.value().imageKey()).orElseThrow();
                    assertThat(ContentAddress.sha256Hex(bytes))
                            .isEqualTo(r.value().sha256());
                    assertThat(r.key()).isEqualTo(r.value().catalogueKey());
                }
            }
            System.out.printf(
                    "crash IT: first start %.1f s, killed after %d outputs, restart %.1f s, "
                            + "recovered to %d pairs in %.1f s, total %.1f s%n",
                    (started - t0) / 1e9,
                    atKill,
                    (restarted - killed) / 1e9,
                    PAIRS,
                    (done - restarted) / 1e9,
                    (done - t0) / 1e9);
        } finally {
            stopChildren(); // before the state directory goes
            ChildJvm.deleteRecursively(stateDir);
        }
    }

    private static Set<String> distinctPairIds(OutputTopics out) {
        Set<String> ids = new HashSet<>();
        out.curated().forEach(r -> ids.add(r.value().pairId()));
        out.rejected().forEach(r -> ids.add(r.value().pairId()));
        return ids;
    }

    /** The curator's consumer group has committed every record of the raw topic. */
    private static void awaitInputCommitted(Infra infra) {
        try (Admin admin = Admin.create(infra.kafkaClientConfig())) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(APP_ID)
                        .partitionsToOffsetAndMetadata()
                        .get();
                Set<TopicPartition> rawPartitions = committed.keySet().stream()
                        .filter(tp -> tp.topic().equals(RAW))
                        .collect(Collectors.toSet());
                if (rawPartitions.size() < 3) {
                    return false;
                }
                var ends = admin.listOffsets(rawPartitions.stream()
                                .collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest())))
                        .all()
                        .get();
                return rawPartitions.stream()
                        .allMatch(
                                tp -> committed.get(tp).offset() >= ends.get(tp).offset());
            });
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis); // pacing the producer, not waiting for a result
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
