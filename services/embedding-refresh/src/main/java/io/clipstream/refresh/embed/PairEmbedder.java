package io.clipstream.refresh.embed;

import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.contracts.PairCurated;
import io.clipstream.refresh.index.IndexedPair;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.Parallel;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import javax.imageio.ImageIO;

/**
 * Curated pairs -> indexed pairs: each image read from object storage and preprocessed ({@code parallelism} at a
 * time: requests and decoding overlap), then the images and the captions embedded in batches by one model version.
 * A pair whose image is missing or does not decode is skipped with a reason and the batch goes on; a storage outage
 * is not a skip: it is thrown, and the caller retries the batch.
 */
public final class PairEmbedder {
    /** Reasons a pair is not indexed. */
    public static final String OBJECT_MISSING = "OBJECT_MISSING";
    public static final String IMAGE_UNREADABLE = "IMAGE_UNREADABLE";

    private final ObjectStore store;
    private final int parallelism;

    public PairEmbedder(ObjectStore store, int parallelism) {
        this.store = store;
        this.parallelism = parallelism;
    }

    private record Prepared(PairCurated pair, float[] chw, String skipped) {}

    /**
     * @param skipped told of every pair left out, with its reason
     */
    public List<IndexedPair> embed(List<PairCurated> pairs, ImageTextEmbedder encoder, BiConsumer<PairCurated, String> skipped)
            throws IOException {
        List<Prepared> prepared = Parallel.map(pairs, parallelism, p -> prepare(p, encoder));
        List<PairCurated> kept = new ArrayList<>(pairs.size());
        List<float[]> chw = new ArrayList<>(pairs.size());
        for (Prepared p : prepared) {
            if (p.skipped() != null) {
                skipped.accept(p.pair(), p.skipped());
            } else {
                kept.add(p.pair());
                chw.add(p.chw());
            }
        }
        if (kept.isEmpty()) return List.of();
        float[][] images = encoder.encodePixels(chw);
        float[][] texts = encoder.encodeTexts(kept.stream().map(p -> p.text() == null ? "" : p.text()).toList());
        List<IndexedPair> out = new ArrayList<>(kept.size());
        for (int i = 0; i < kept.size(); i++) {
            PairCurated p = kept.get(i);
            out.add(new IndexedPair(p.sha256(), p.pairId(), p.source(), p.domain(), p.text(), p.imageKey(), images[i], texts[i]));
        }
        return out;
    }

    private Prepared prepare(PairCurated p, ImageTextEmbedder encoder) {
        Optional<byte[]> bytes = store.get(p.imageKey());
        if (bytes.isEmpty()) return new Prepared(p, null, OBJECT_MISSING);
        BufferedImage img = decode(bytes.get());
        if (img == null) return new Prepared(p, null, IMAGE_UNREADABLE);
        return new Prepared(p, encoder.preprocessor().preprocess(img), null);
    }

    /** The curator decoded this image before (within its bounds), so a failure here means the object changed or broke. */
    private static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
