package io.clipstream.refresh.embed;

import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.SkipReason;
import io.clipstream.refresh.index.IndexedPair;
import io.clipstream.storage.ObjectStore;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import javax.imageio.ImageIO;

/**
 * Curated pairs -> indexed pairs: each image read from object storage and preprocessed ({@code parallelism} at a
 * time), the images and the captions embedded in batches by one model version, the next batch read while the
 * current one is embedded.
 * A pair whose image is missing or does not decode is skipped with a reason and the batch goes on; a storage outage
 * is not a skip: it is thrown, and the caller retries the batch.
 */
public final class PairEmbedder implements AutoCloseable {
    private final ObjectStore store;
    private final ExecutorService pool;
    private final EmbeddingCache cache;

    /** An embedder that computes every vector. */
    public PairEmbedder(ObjectStore store, int parallelism) {
        this(store, parallelism, EmbeddingCache.NONE);
    }

    /** An embedder that carries the vectors found in {@code cache} and puts the ones it computes there. */
    public PairEmbedder(ObjectStore store, int parallelism, EmbeddingCache cache) {
        this.store = store;
        this.cache = cache;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(parallelism, r -> {
            Thread t = new Thread(r, "embed-fetch-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    private record Prepared(PairCurated pair, float[] chw, String skipped) {}

    /**
     * Where {@link #embedBatches} hands each batch: its embedded pairs, the batch they came from, and how many of them
     * were carried from the cache (no model pass computed their vectors).
     */
    @FunctionalInterface
    public interface BatchSink {
        void accept(List<IndexedPair> embedded, List<PairCurated> batch, int carried) throws IOException;
    }

    /**
     * @param skipped told of every pair left out, with its reason
     */
    public List<IndexedPair> embed(
            List<PairCurated> pairs, VersionEncoder encoder, BiConsumer<PairCurated, String> skipped)
            throws IOException {
        List<IndexedPair> out = new ArrayList<>(pairs.size());
        embedBatches(
                pairs, Math.max(1, pairs.size()), encoder, skipped, (embedded, batch, carried) -> out.addAll(embedded));
        return out;
    }

    /**
     * Embeds {@code pairs} in batches of {@code batchSize}, pipelined: the next batch's images are fetched and decoded
     * while the model embeds the current one, so storage, decoding and the model overlap.
     */
    public void embedBatches(
            List<PairCurated> pairs,
            int batchSize,
            VersionEncoder encoder,
            BiConsumer<PairCurated, String> skipped,
            BatchSink sink)
            throws IOException {
        List<List<PairCurated>> batches = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i += batchSize) {
            batches.add(pairs.subList(i, Math.min(pairs.size(), i + batchSize)));
        }
        if (batches.isEmpty()) {
            return;
        }
        List<Future<Prepared>> next = prepareAsync(batches.get(0), encoder);
        try {
            for (int b = 0; b < batches.size(); b++) {
                List<Prepared> prepared = await(next);
                next = b + 1 < batches.size() ? prepareAsync(batches.get(b + 1), encoder) : List.of();
                List<IndexedPair> embedded = new ArrayList<>();
                int carried = embedPrepared(prepared, encoder, skipped, embedded);
                sink.accept(embedded, batches.get(b), carried);
            }
        } finally {
            next.forEach(f -> f.cancel(true));
        }
    }

    private List<Future<Prepared>> prepareAsync(List<PairCurated> batch, VersionEncoder encoder) {
        List<Future<Prepared>> out = new ArrayList<>(batch.size());
        for (PairCurated p : batch) {
            out.add(pool.submit(() -> prepare(p, encoder)));
        }
        return out;
    }

    private static List<Prepared> await(List<Future<Prepared>> futures) throws IOException {
        List<Prepared> out = new ArrayList<>(futures.size());
        try {
            for (Future<Prepared> f : futures) {
                out.add(f.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        }
        return out;
    }

    /** Adds the embedded pairs to {@code out}; returns how many of them were carried. */
    private int embedPrepared(
            List<Prepared> prepared,
            VersionEncoder encoder,
            BiConsumer<PairCurated, String> skipped,
            List<IndexedPair> out)
            throws IOException {
        List<PairCurated> kept = new ArrayList<>(prepared.size());
        List<float[]> chw = new ArrayList<>(prepared.size());
        for (Prepared p : prepared) {
            if (p.skipped() != null) {
                skipped.accept(p.pair(), p.skipped());
            } else {
                kept.add(p.pair());
                chw.add(p.chw());
            }
        }
        if (kept.isEmpty()) {
            return 0;
        }
        List<VersionEncoder.Embedded> embedded = encoder.embedPairs(
                chw,
                kept.stream().map(p -> p.text() == null ? "" : p.text()).toList(),
                kept.stream().map(PairCurated::sha256).toList(),
                cache);
        int carried = 0;
        for (int i = 0; i < kept.size(); i++) {
            PairCurated p = kept.get(i);
            VersionEncoder.Embedded e = embedded.get(i);
            out.add(new IndexedPair(
                    p.sha256(),
                    p.pairId(),
                    p.source(),
                    p.domain(),
                    p.text(),
                    p.imageKey(),
                    e.image(),
                    e.text(),
                    e.expert()));
            if (e.carried()) {
                carried++;
            }
        }
        return carried;
    }

    private Prepared prepare(PairCurated p, VersionEncoder encoder) {
        Optional<byte[]> bytes = store.get(p.imageKey());
        if (bytes.isEmpty()) {
            return new Prepared(p, null, SkipReason.OBJECT_MISSING);
        }
        BufferedImage img = decode(bytes.get());
        if (img == null) {
            return new Prepared(p, null, SkipReason.IMAGE_UNREADABLE);
        }
        return new Prepared(p, encoder.preprocessor().preprocess(img), null);
    }

    /**
     * The curator decoded this image before (within its bounds), so a failure here means the object changed or broke.
     */
    private static BufferedImage decode(byte[] bytes) {
        try {
            return ImageIO.read(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
