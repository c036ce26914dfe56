package io.clipstream.refresh.bench;

import ai.djl.Device;
import io.clipstream.clip.ClipEncoder;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.lora.LoraConfig;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.ExpertEncoder;
import io.clipstream.clip.routing.RoutingFeatures;
import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.refresh.index.Filter;
import io.clipstream.refresh.index.IndexedPair;
import io.clipstream.refresh.index.LuceneBackend;
import io.clipstream.refresh.index.LuceneIndex;
import io.clipstream.refresh.index.Target;
import io.clipstream.refresh.index.VectorIndex;
import io.clipstream.refresh.serve.Generation;
import io.clipstream.refresh.serve.LiveIndex;
import io.clipstream.refresh.serve.Searcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What a text query costs with K per-domain experts: the query embedded by every expert, searched in each expert's
 * documents, merged. Per K (default 1, 2, 4, 8) on the same corpus of {@code --vectors} documents (tagged with their
 * expert round robin, unit vectors at random), {@code --queries} text queries through the service's {@link Searcher}:
 * p50/p99 of the whole query and of its embedding alone; the baseline is K = 1 (the first K given), measured in the
 * same run, and a version of one adapter merged into the weights is shown for reference. The model is the tiny CLIP, or
 * with {@code --large} a ViT-B/32-shaped one
 * of random weights; adapters have random B.
 */
public final class ExpertsSearchBench {
    private ExpertsSearchBench() {}

    public static void main(String[] args) throws Exception {
        List<Integer> ks = List.of(1, 2, 4, 8);
        int vectors = 20_000;
        int queries = 300;
        boolean large = false;
        int expertThreads = 2;
        Path work = Files.createTempDirectory("experts-bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--experts" ->
                    ks = Arrays.stream(args[++i].split(","))
                            .map(Integer::parseInt)
                            .toList();
                case "--vectors" -> vectors = Integer.parseInt(args[++i]);
                case "--queries" -> queries = Integer.parseInt(args[++i]);
                case "--large" -> large = true;
                case "--expert-threads" -> expertThreads = Integer.parseInt(args[++i]);
                case "--work" -> work = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; usage: [--experts 1,2,4,8] [--vectors N] [--queries N] [--large] "
                            + "[--expert-threads N] [--work DIR]");
            }
        }
        Path base = work.resolve("model");
        GenerateTinyClip.generate(base, large ? TinyClipSpec.vitB32Shaped() : TinyClipSpec.defaults());
        int maxK = ks.stream().mapToInt(Integer::intValue).max().orElseThrow();
        List<Path> adapters = new ArrayList<>();
        int dim;
        int features;
        try (ClipModel m = ClipModel.load(base, Device.cpu())) {
            dim = m.dimension();
            m.addAdapter(LoraConfig.attention(8, 16f), 1);
            for (int k = 0; k < maxK; k++) {
                m.lora().randomiseB(100 + k, 0.3f);
                Path dir = work.resolve("expert-" + k);
                m.saveAdapter(dir);
                adapters.add(dir);
            }
            features = RoutingFeatures.length(m, 1);
        }
        List<String> texts = new ArrayList<>();
        String[] classes = {
            "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot"
        };
        for (int i = 0; i < queries; i++) {
            texts.add("a picture of a " + classes[i % classes.length] + ", number " + i + ".");
        }

        System.out.printf(
                Locale.ROOT,
                "# experts search: %s model (%d-d), %,d documents, %d text queries, Lucene HNSW, %d experts'"
                        + " searches at once, %d cores%n",
                large ? "ViT-B/32-shaped" : "tiny",
                dim,
                vectors,
                queries,
                expertThreads,
                Runtime.getRuntime().availableProcessors());
        System.out.println(
                "| version | experts | query p50 ms | query p99 ms | p99 / p99 of K=1 | embedding p50 ms | embedding "
                        + "p99 ms |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        double[] merged;
        try (ClipEncoder one = ClipEncoder.open(base, adapters.getFirst(), Device.cpu(), "v1", 32)) {
            merged = measure(
                    VersionEncoder.of(one, "v1"), work.resolve("index-merged"), 1, vectors, dim, texts, expertThreads);
        }
        double baseline = Double.NaN;
        for (int k : ks) {
            Map<String, Path> adapterOf = new LinkedHashMap<>();
            Map<String, float[][]> examples = new LinkedHashMap<>();
            Random rnd = new Random(k);
            for (int e = 0; e < k; e++) {
                adapterOf.put("d" + e, adapters.get(e));
                // separable examples for the router (text queries never route): only its shape matters here
                float[][] rows = new float[20][features + (k - 1) * dim];
                for (float[] row : rows) {
                    for (int j = 0; j < row.length; j++) {
                        row[j] = (float) (rnd.nextGaussian() + 3 * e);
                    }
                }
                examples.put("d" + e, rows);
            }
            try (ExpertEncoder experts =
                    ExpertEncoder.open(base, DomainRouter.fit(examples), adapterOf, Device.cpu(), "v" + k, 32)) {
                double[] r = measure(
                        VersionEncoder.of(experts, spaces(adapterOf.keySet())),
                        work.resolve("index-" + k),
                        k,
                        vectors,
                        dim,
                        texts,
                        expertThreads);
                if (Double.isNaN(baseline)) {
                    baseline = r[1];
                }
                row("experts", k, r, baseline);
            }
        }
        row("one adapter, merged (reference)", 1, merged, baseline);
    }

    /** {p50, p99} of whole queries, then {p50, p99} of their embedding alone, in ms. */
    /** Each expert its own space (no cache here: the ids only need to differ). */
    private static Map<String, String> spaces(java.util.Set<String> domains) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String d : domains) {
            out.put(d, d);
        }
        return out;
    }

    private static double[] measure(
            VersionEncoder encoder, Path dir, int k, int vectors, int dim, List<String> texts, int expertThreads)
            throws Exception {
        Random rnd = new Random(7);
        VectorIndex index = new LuceneBackend(dir, LuceneIndex.Format.FLOAT32).open("bench", dim);
        List<IndexedPair> batch = new ArrayList<>();
        for (int i = 0; i < vectors; i++) {
            float[] v = unit(rnd, dim);
            batch.add(new IndexedPair(
                    String.format("%064x", i),
                    "p" + i,
                    "bench",
                    "d" + (i % k),
                    "caption " + i,
                    "k" + i,
                    v,
                    v,
                    k == 1 && encoder instanceof VersionEncoder.OneAdapter ? null : "d" + (i % k)));
            if (batch.size() == 1000) {
                index.upsert(batch);
                batch.clear();
            }
        }
        index.upsert(batch);
        index.refresh();
        LiveIndex live = new LiveIndex();
        Generation g = new Generation(k, encoder, index);
        live.swap(g);
        Searcher searcher = new Searcher(live, 50, expertThreads);
        for (int i = 0; i < 30; i++) {
            searcher.byText(texts.get(i), Target.IMAGE, 10, Filter.NONE);
        } // warm-up
        double[] query = new double[texts.size()];
        double[] embed = new double[texts.size()];
        for (int i = 0; i < texts.size(); i++) {
            long t0 = System.nanoTime();
            encoder.queryText(texts.get(i));
            embed[i] = (System.nanoTime() - t0) / 1e6;
            long t1 = System.nanoTime();
            searcher.byText(texts.get(i), Target.IMAGE, 10, Filter.NONE);
            query[i] = (System.nanoTime() - t1) / 1e6;
        }
        searcher.close();
        live.clear();
        g.retire(x -> {});
        return new double[] {percentile(query, 50), percentile(query, 99), percentile(embed, 50), percentile(embed, 99)
        };
    }

    private static void row(String version, int k, double[] r, double baselineP99) {
        System.out.printf(
                Locale.ROOT,
                "| %s | %d | %.2f | %.2f | %.2fx | %.2f | %.2f |%n",
                version,
                k,
                r[0],
                r[1],
                r[1] / baselineP99,
                r[2],
                r[3]);
    }

    private static float[] unit(Random rnd, int dim) {
        float[] v = new float[dim];
        double n = 0;
        for (int j = 0; j < dim; j++) {
            v[j] = (float) rnd.nextGaussian();
            n += v[j] * v[j];
        }
        for (int j = 0; j < dim; j++) {
            v[j] /= (float) Math.sqrt(n);
        }
        return v;
    }

    private static double percentile(double[] values, double p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100 * s.length) - 1)];
    }
}
