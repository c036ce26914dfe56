package io.clipstream.refresh.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.contracts.PairCurated;
import io.clipstream.refresh.index.IndexedPair;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.synthetic.SyntheticDomains;
import io.clipstream.testkit.Infra;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-embedding on the real S3 server: a pair whose image is missing or corrupt is left out with its reason and the
 * batch goes on; batches come out in order, each pair embedded as the encoder embeds it alone.
 */
class PairEmbedderIT {
    @TempDir
    Path tmp;

    @Test
    void missingAndCorruptImagesAreSkippedAndTheOthersEmbeddedInOrder() throws Exception {
        Infra infra = Infra.shared();
        Path model = tmp.resolve("tiny");
        GenerateTinyClip.generate(model, TinyClipSpec.defaults());
        try (ObjectStore store = ObjectStore.connect(new StorageConfig(
                        infra.s3Endpoint(),
                        infra.s3AccessKey(),
                        infra.s3SecretKey(),
                        null,
                        "embedder-" + System.nanoTime(),
                        Duration.ofSeconds(30),
                        3,
                        true));
                VersionEncoder encoder =
                        VersionEncoder.of(ClipEncoder.open(model, null, Device.cpu(), "base", 4), "base");
                PairEmbedder embedder = new PairEmbedder(store, 4)) {
            store.ensureBucket();
            List<PairCurated> pairs = new ArrayList<>();
            int i = 0;
            for (SyntheticDomains.Pair p : SyntheticDomains.pairs("plain", 11, 5)) {
                byte[] png = SyntheticDomains.png(p.image());
                String sha = ContentAddress.sha256Hex(png);
                String key = ContentAddress.imageKey(sha, "png");
                if (i == 2) {
                    png = Arrays.copyOf(png, 24);
                }
                if (i != 7) {
                    store.put(key, png, "image/png");
                }
                Instant now = Instant.now();
                pairs.add(new PairCurated(
                        1,
                        "p" + i,
                        "it",
                        "plain",
                        sha,
                        key,
                        ContentAddress.textKey("it", sha),
                        "png",
                        "0",
                        28,
                        28,
                        p.caption(),
                        Map.of(),
                        now,
                        now));
                i++;
            }
            Map<String, String> skipped = new LinkedHashMap<>();
            List<List<String>> batches = new ArrayList<>();
            List<IndexedPair> out = new ArrayList<>();
            embedder.embedBatches(
                    pairs, 3, encoder, (p, reason) -> skipped.put(p.pairId(), reason), (embedded, batch, carried) -> {
                        batches.add(batch.stream().map(PairCurated::pairId).toList());
                        out.addAll(embedded);
                    });

            assertThat(skipped)
                    .containsExactly(
                            Map.entry("p2", io.clipstream.contracts.SkipReason.IMAGE_UNREADABLE),
                            Map.entry("p7", io.clipstream.contracts.SkipReason.OBJECT_MISSING));
            assertThat(batches)
                    .containsExactly(
                            List.of("p0", "p1", "p2"),
                            List.of("p3", "p4", "p5"),
                            List.of("p6", "p7", "p8"),
                            List.of("p9", "p10"));
            assertThat(out)
                    .extracting(IndexedPair::pairId)
                    .containsExactly("p0", "p1", "p3", "p4", "p5", "p6", "p8", "p9", "p10");
            IndexedPair p4 = out.get(3);
            float[] alone = encoder.queryText(pairs.get(4).text()).getFirst().vector();
            for (int d = 0; d < alone.length; d++) {
                assertThat(p4.textVector()[d]).isCloseTo(alone[d], org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }
}
