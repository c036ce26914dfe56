package io.clipstream.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clipstream.continual.data.Sample;
import io.clipstream.contracts.TrainingRun;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.synthetic.SyntheticDomains;
import io.clipstream.testkit.Infra;
import io.clipstream.trainer.ledger.PairRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's data on the real S3 server: a pair whose image is missing or corrupt is skipped with its reason, the rest
 * load.
 */
class MaterialiserIT {
    @TempDir
    Path tmp;

    @Test
    void missingAndCorruptImagesAreSkippedWithTheirReasonsAndTheRestLoad() throws Exception {
        Infra infra = Infra.shared();
        try (ObjectStore store = ObjectStore.connect(new StorageConfig(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                null,
                "materialise-" + System.nanoTime(),
                Duration.ofSeconds(30),
                3,
                true))) {
            // pair 1 a truncated PNG (the header survives, the image data does not), pair 3's object missing
            List<PairRef> refs =
                    putPairs(store, 5, 3, "p", (i, png) -> i == 1 ? Arrays.copyOf(png, 20) : i == 3 ? null : png);
            List<TrainingRun.SkippedPair> skipped = new ArrayList<>();
            List<Sample> samples = new Materialiser(
                            store, tmp.resolve("cache"), 0, Map.of("plain", SyntheticDomains.CLASSES))
                    .load(refs, skipped::add);

            assertThat(samples)
                    .extracting(Sample::id)
                    .containsExactly(
                            refs.get(0).sha256(),
                            refs.get(2).sha256(),
                            refs.get(4).sha256());
            assertThat(samples).allSatisfy(s -> assertThat(s.label()).isIn(SyntheticDomains.CLASSES));
            assertThat(skipped)
                    .containsExactlyInAnyOrder(
                            new TrainingRun.SkippedPair(
                                    refs.get(1).sha256(), "p1", io.clipstream.contracts.SkipReason.IMAGE_UNREADABLE),
                            new TrainingRun.SkippedPair(
                                    refs.get(3).sha256(), "p3", io.clipstream.contracts.SkipReason.OBJECT_MISSING));
        }
    }

    @Test
    void prefetchedImagesAreReadFromTheCacheByTheRun() throws Exception {
        Infra infra = Infra.shared();
        try (ObjectStore store = ObjectStore.connect(new StorageConfig(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                null,
                "prefetch-" + System.nanoTime(),
                Duration.ofSeconds(30),
                3,
                true))) {
            // pair 5's object is missing: left for the run to skip
            List<PairRef> refs = putPairs(store, 6, 5, "q", (i, png) -> i == 5 ? null : png);
            Materialiser m = new Materialiser(
                    store, tmp.resolve("cache"), 0, Map.of("plain", SyntheticDomains.CLASSES), 1 << 20);

            assertThat(m.prefetch(refs, 3)).as("at most max per call").isEqualTo(3);
            assertThat(m.prefetch(refs, 100))
                    .as("the rest, but not the missing one")
                    .isEqualTo(2);
            assertThat(m.prefetch(refs, 100)).as("nothing twice").isZero();
            // the run needs neither the store nor the files any more: the images were decoded ahead
            for (PairRef r : refs) {
                store.delete(r.imageKey());
            }
            io.clipstream.testkit.ChildJvm.deleteRecursively(tmp.resolve("cache"));
            List<TrainingRun.SkippedPair> skipped = new ArrayList<>();
            Materialiser.Sources before = m.sources();
            assertThat(before).as("prefetching is not a run's load").isEqualTo(new Materialiser.Sources(0, 0, 0));
            assertThat(m.load(refs, skipped::add)).hasSize(5);
            assertThat(skipped).extracting(TrainingRun.SkippedPair::pairId).containsExactly("q5");
            assertThat(m.sources().since(before))
                    .as("5 decoded ahead, the missing one asked of the store again")
                    .isEqualTo(new Materialiser.Sources(5, 0, 1));
        }
    }

    @Test
    void imagesArriveDecodedBeforeTheRunAsksForThem() throws Exception {
        Infra infra = Infra.shared();
        try (ObjectStore store = ObjectStore.connect(new StorageConfig(
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3SecretKey(),
                null,
                "arrival-" + System.nanoTime(),
                Duration.ofSeconds(30),
                3,
                true))) {
            List<PairRef> refs = putPairs(store, 40, 7, "a", (i, png) -> png);
            Materialiser m = new Materialiser(
                    store, tmp.resolve("cache"), 0, Map.of("plain", SyntheticDomains.CLASSES), 1 << 20);
            try (ArrivalPrefetcher prefetcher = new ArrivalPrefetcher(m)) {
                // as the feed hands over its polls
                prefetcher.accept(refs.subList(0, 25));
                prefetcher.accept(refs.subList(25, 40));
                await().atMost(Duration.ofSeconds(30)).until(prefetcher::idle);
            }
            List<TrainingRun.SkippedPair> skipped = new ArrayList<>();
            assertThat(m.load(refs, skipped::add)).hasSize(40);
            assertThat(skipped).isEmpty();
            assertThat(m.sources()).as("every image decoded on arrival").isEqualTo(new Materialiser.Sources(40, 0, 0));
        }
    }

    /** {@code n} synthetic pairs; {@code object} gives what is stored for pair i (null: nothing). */
    private static List<PairRef> putPairs(
            ObjectStore store,
            int n,
            long seed,
            String idPrefix,
            java.util.function.BiFunction<Integer, byte[], byte[]> object) {
        store.ensureBucket();
        List<PairRef> refs = new ArrayList<>();
        int i = 0;
        for (SyntheticDomains.Pair p : SyntheticDomains.pairs("plain", n, seed)) {
            byte[] png = SyntheticDomains.png(p.image());
            String sha = ContentAddress.sha256Hex(png);
            String key = ContentAddress.imageKey(sha, "png");
            byte[] stored = object.apply(i, png);
            if (stored != null) {
                store.put(key, stored, "image/png");
            }
            refs.add(new PairRef(sha, idPrefix + i, "plain", key, p.caption(), 0, i));
            i++;
        }
        return refs;
    }
}
