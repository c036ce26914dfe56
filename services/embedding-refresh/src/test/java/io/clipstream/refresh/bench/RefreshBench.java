package io.clipstream.refresh.bench;

import ai.djl.Device;
import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.contracts.PairCurated;
import io.clipstream.refresh.embed.PairEmbedder;
import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.refresh.index.Filter;
import io.clipstream.refresh.index.Hit;
import io.clipstream.refresh.index.IndexedPair;
import io.clipstream.refresh.index.LuceneBackend;
import io.clipstream.refresh.index.LuceneIndex;
import io.clipstream.refresh.index.Target;
import io.clipstream.refresh.index.VectorIndex;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.VectorUtil;

/**
 * The refresh service's figures, each next to its baseline measured in the same run:
 * <ol>
 *   <li>re-embedding: the pipeline (image from the S3 server, decode, preprocess, embed image and caption) against the
 *       raw {@code ClipModel} rate of the same model and batch on images already in memory;</li>
 *   <li>index build: pairs/s into one Lucene index from all cores against one thread (two HNSW vectors per pair);</li>
 *   <li>search: recall@10 against exact search and single-query latency p50/p99, float32 against int8, on clustered
 *       512-d vectors.</li>
 * </ol>
 * Arguments: {@code --pairs N} (re-embedding with the tiny CLIP, default 2000), {@code --large-pairs N} (with a
 * ViT-B/32-shaped CLIP of random weights, default 0), {@code --vectors N[,N...]} (index sizes, default 100000),
 * {@code --queries N} (default 500), {@code --one-thread-up-to N} (the one-thread build baseline runs at index sizes up
 * to N only, default 100000: at 1M it would add most of an hour and say nothing new), {@code --formats float32,int8}
 * (the default), {@code --work DIR}.
 */
public final class RefreshBench {
    private static final int DIM = 512;
    private static final int K = 10;

    public static void main(String[] args) throws Exception {
        int pairs = 2000;
        int largePairs = 0;
        List<Integer> sizes = List.of(100_000);
        int queries = 500;
        int oneThreadUpTo = 100_000;
        List<LuceneIndex.Format> formats = List.of(LuceneIndex.Format.values());
        Path work = Path.of("target/refresh-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pairs" -> pairs = Integer.parseInt(args[++i]);
                case "--large-pairs" -> largePairs = Integer.parseInt(args[++i]);
                case "--vectors" ->
                    sizes = Arrays.stream(args[++i].split(","))
                            .map(String::trim)
                            .map(Integer::parseInt)
                            .toList();
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--one-thread-up-to" -> oneThreadUpTo = Integer.parseInt(args[++i]);
                case "--formats" ->
                    formats = Arrays.stream(args[++i].split(","))
                            .map(f -> LuceneIndex.Format.valueOf(f.trim().toUpperCase(Locale.ROOT)))
                            .toList();
                case "--work" -> work = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        ChildJvm.deleteRecursively(work);
        Files.createDirectories(work);
        System.out.printf(
                "refresh-bench %s, %d cores, Java %s, vector API %s%n",
                Instant.now(),
                Runtime.getRuntime().availableProcessors(),
                Runtime.version(),
                ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent() ? "on" : "OFF (scalar Lucene)");
        if (pairs > 0) {
            reembed(work, "tiny CLIP", TinyClipSpec.defaults(), pairs);
        }
        if (largePairs > 0) {
            // ViT-B/32's shape (random weights): 224 px, 32 px patches, 12 layers of width 768, 512-d embeddings
            reembed(work, "ViT-B/32-shaped CLIP", TinyClipSpec.vitB32Shaped(), largePairs);
        }
        for (int n : sizes) {
            if (n > 0) {
                index(work, n, queries, n <= oneThreadUpTo, formats);
            }
        }
        System.exit(0);
    }

    // ------------------------------------------------------------------ re-embedding

    private static void reembed(Path work, String name, TinyClipSpec spec, int n) throws Exception {
        Path model = work.resolve("model-" + spec.width() + "-" + spec.layers());
        GenerateTinyClip.generate(model, spec);
        Infra infra = Infra.shared();
        Map<String, String> q = infra.quarkusConfig();
        StorageConfig sc = new StorageConfig(
                q.get("clipstream.storage.endpoint"),
                q.get("clipstream.storage.access-key"),
                q.get("clipstream.storage.secret-key"),
                q.get("clipstream.storage.region"),
                "bench",
                Duration.ofSeconds(30),
                3,
                true);
        Random rnd = new Random(1);
        List<BufferedImage> images = new ArrayList<>(n);
        List<PairCurated> curated = new ArrayList<>(n);
        try (ObjectStore store = ObjectStore.connect(sc)) {
            store.ensureBucket();
            for (int i = 0; i < n; i++) {
                BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < 64; y++) {
                    for (int x = 0; x < 64; x++) {
                        img.setRGB(x, y, rnd.nextInt(0x1000000));
                    }
                }
                images.add(img);
                ByteArrayOutputStream png = new ByteArrayOutputStream();
                ImageIO.write(img, "png", png);
                String sha = ContentAddress.sha256Hex(png.toByteArray());
                String key = ContentAddress.imageKey(sha, "png");
                store.put(key, png.toByteArray(), "image/png");
                Instant now = Instant.now();
                curated.add(new PairCurated(
                        1,
                        "b" + i,
                        "bench",
                        "bench",
                        sha,
                        key,
                        ContentAddress.textKey("bench", sha),
                        "png",
                        "0",
                        64,
                        64,
                        "a photo number " + i + " of the benchmark",
                        Map.of(),
                        now,
                        now));
            }
            List<String> captions = curated.stream().map(PairCurated::text).toList();
            int batch = 32;
            try (ClipModel raw = ClipModel.load(model, Device.cpu());
                    VersionEncoder encoder =
                            VersionEncoder.of(ClipEncoder.open(model, null, Device.cpu(), "base", batch), "base")) {
                raw.setBatchSize(batch);
                List<float[]> chw =
                        images.stream().map(raw.preprocessor()::preprocess).toList();
                raw.encodePixels(chw.subList(0, Math.min(64, n)));
                long t0 = System.nanoTime();
                raw.encodePixels(chw);
                raw.encodeTexts(captions);
                double rawRate = n / ((System.nanoTime() - t0) / 1e9);
                PairEmbedder embedder = new PairEmbedder(store, 8);
                embedder.embed(curated.subList(0, Math.min(64, n)), encoder, (p, r) -> {});
                long t1 = System.nanoTime();
                int[] done = {0};
                int poll = 4 * batch; // what the feeder gets from one poll of pairs.curated
                for (int i = 0; i < n; i += poll) {
                    embedder.embedBatches(
                            curated.subList(i, Math.min(n, i + poll)),
                            batch,
                            encoder,
                            (p, r) -> {},
                            (embedded, b, carried) -> done[0] += embedded.size());
                }
                double pipeRate = done[0] / ((System.nanoTime() - t1) / 1e9);
                // the stages alone, as the pipeline runs them (8 at a time)
                List<String> keys = curated.stream().map(PairCurated::imageKey).toList();
                long t2 = System.nanoTime();
                List<java.util.Optional<byte[]>> bytes = store.getAll(keys, 8);
                double getRate = n / ((System.nanoTime() - t2) / 1e9);
                long t3 = System.nanoTime();
                io.clipstream.storage.Parallel.map(
                        bytes,
                        8,
                        b -> encoder.preprocessor()
                                .preprocess(ImageIO.read(new java.io.ByteArrayInputStream(b.orElseThrow()))));
                double decodeRate = n / ((System.nanoTime() - t3) / 1e9);
                embedder.close();
                System.out.printf("%nre-embedding, %s, batch %d, %d pairs of 64x64 PNG + caption:%n", name, batch, n);
                System.out.printf("  raw ClipModel (pixels in memory)     %8.0f pairs/s%n", rawRate);
                System.out.printf(
                        "  pipeline (S3 get, decode, embed)     %8.0f pairs/s  = %.0f %% of raw (goal >= 80 %%)%n",
                        pipeRate, 100 * pipeRate / rawRate);
                System.out.printf(
                        "    its stages alone: S3 get %.0f images/s, decode + preprocess %.0f images/s (8 at a time)%n",
                        getRate, decodeRate);
            }
        }
    }

    // ------------------------------------------------------------------ index

    /** Unit vectors around 100 random centres (clustered, as embeddings are), and queries near the same centres. */
    private static float[][] clustered(int n, long seed, float spread) {
        Random rnd = new Random(7);
        float[][] centres = new float[100][DIM];
        for (float[] c : centres) {
            for (int d = 0; d < DIM; d++) {
                c[d] = (float) rnd.nextGaussian();
            }
            normalise(c);
        }
        Random r = new Random(seed);
        float[][] out = new float[n][DIM];
        for (int i = 0; i < n; i++) {
            float[] c = centres[r.nextInt(centres.length)];
            for (int d = 0; d < DIM; d++) {
                out[i][d] = c[d] + spread * (float) r.nextGaussian() / (float) Math.sqrt(DIM);
            }
            normalise(out[i]);
        }
        return out;
    }

    private static void normalise(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x * x;
        }
        float inv = (float) (1 / Math.sqrt(s));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
    }

    private static void index(
            Path work, int n, int queries, boolean oneThreadBaseline, List<LuceneIndex.Format> formats)
            throws Exception {
        float[][] vectors = clustered(n, 11, 1.0f);
        float[][] texts = clustered(n, 12, 1.0f);
        float[][] qs = clustered(queries, 13, 1.0f);
        long te = System.nanoTime();
        int[][] exact = exact(vectors, qs);
        System.out.printf(
                "%nexact top-%d of %d queries by brute force: %.1f s%n", K, queries, (System.nanoTime() - te) / 1e9);
        System.out.printf(
                "%nindex of %,d pairs (two %d-d HNSW vectors each, M 16, beam 100), %d queries, k %d:%n",
                n, DIM, queries, K);
        int cores = Runtime.getRuntime().availableProcessors();
        for (LuceneIndex.Format format : formats) {
            for (int threads : format == LuceneIndex.Format.FLOAT32 && oneThreadBaseline
                    ? new int[] {1, cores}
                    : new int[] {cores}) {
                Path dir = work.resolve("index-" + format + "-" + threads + "-" + n);
                try (VectorIndex idx = new LuceneBackend(dir, format).open("bench", DIM)) {
                    long t0 = System.nanoTime();
                    build(idx, vectors, texts, threads);
                    idx.commit(Map.of(0, (long) n));
                    idx.refresh();
                    double secs = (System.nanoTime() - t0) / 1e9;
                    System.out.printf(
                            "  %-7s build, %d thread%s: %8.0f pairs/s (%,.0f vectors/s), %.1f s, %,d MiB on disk,"
                                    + " %d segments%n",
                            format,
                            threads,
                            threads == 1 ? " " : "s",
                            n / secs,
                            2 * n / secs,
                            secs,
                            sizeOnDisk(dir) >> 20,
                            segments(dir.resolve("bench")));
                }
                if (threads == cores) {
                    // the index as committed, searched one segment after another, then its segments side by side
                    for (int searchThreads : new int[] {1, cores}) {
                        try (VectorIndex idx = new LuceneBackend(dir, format, searchThreads).open("bench", DIM)) {
                            searchFigures(idx, qs, exact, format, searchThreads);
                        }
                    }
                }
                ChildJvm.deleteRecursively(dir);
            }
        }
    }

    private static long sizeOnDisk(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(f -> f.toFile().length())
                    .sum();
        }
    }

    private static void build(VectorIndex idx, float[][] vectors, float[][] texts, int threads) throws Exception {
        int chunk = 1000;
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int start = 0; start < vectors.length; start += chunk) {
                int s = start;
                fs.add(pool.submit(() -> {
                    List<IndexedPair> batch = new ArrayList<>(chunk);
                    for (int i = s; i < Math.min(vectors.length, s + chunk); i++) {
                        batch.add(new IndexedPair(
                                "sha" + i,
                                "p" + i,
                                "bench",
                                "d" + (i % 4),
                                "caption " + i,
                                "k" + i,
                                vectors[i],
                                texts[i]));
                    }
                    idx.upsert(batch);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }

    private static int[][] exact(float[][] vectors, float[][] qs) {
        return IntStream.range(0, qs.length)
                .parallel()
                .mapToObj(qi -> {
                    float[] q = qs[qi];
                    int[] best = new int[K];
                    float[] bestScore = new float[K];
                    Arrays.fill(bestScore, Float.NEGATIVE_INFINITY);
                    for (int i = 0; i < vectors.length; i++) {
                        float s = VectorUtil.dotProduct(
                                q, vectors[i]); // Lucene's SIMD dot product: 1M x 500 in minutes, not tens
                        if (s > bestScore[K - 1]) {
                            int at = K - 1;
                            while (at > 0 && bestScore[at - 1] < s) {
                                bestScore[at] = bestScore[at - 1];
                                best[at] = best[at - 1];
                                at--;
                            }
                            bestScore[at] = s;
                            best[at] = i;
                        }
                    }
                    return best;
                })
                .toArray(int[][]::new);
    }

    private static int segments(Path indexDir) throws IOException {
        try (FSDirectory d = FSDirectory.open(indexDir)) {
            return SegmentInfos.readLatestCommit(d).size();
        }
    }

    private static void searchFigures(
            VectorIndex idx, float[][] qs, int[][] exact, LuceneIndex.Format format, int searchThreads)
            throws Exception {
        for (int candidates : new int[] {K, 30, 50, 100}) {
            for (int i = 0; i < Math.min(50, qs.length); i++) {
                idx.search(Target.IMAGE, qs[i], candidates, Filter.NONE);
            } // warm-up
            long[] nanos = new long[qs.length];
            double recall = 0;
            for (int i = 0; i < qs.length; i++) {
                long t0 = System.nanoTime();
                List<Hit> hits = idx.search(Target.IMAGE, qs[i], candidates, Filter.NONE);
                nanos[i] = System.nanoTime() - t0;
                Set<String> truth = new HashSet<>();
                for (int e : exact[i]) {
                    truth.add("sha" + e);
                }
                recall += hits.stream()
                                .limit(K)
                                .filter(h -> truth.contains(h.sha256()))
                                .count()
                        / (double) K;
            }
            Arrays.sort(nanos);
            System.out.printf(
                    "  %-7s search, %3d candidates, %d search thread%s: recall@10 %.3f, p50 %.2f ms, p99 %.2f ms"
                            + " (one query at a time)%n",
                    format,
                    candidates,
                    searchThreads,
                    searchThreads == 1 ? " " : "s",
                    recall / qs.length,
                    nanos[nanos.length / 2] / 1e6,
                    nanos[(int) (nanos.length * 0.99)] / 1e6);
        }
    }
}
