package io.clipstream.continual.train;

import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.continual.data.Captioner;
import io.clipstream.continual.data.ClassPrompts;
import io.clipstream.continual.data.PixelImage;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.metrics.Retrieval;
import io.clipstream.continual.metrics.ZeroShot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Per-domain evaluation on a set of pairs (a domain's anchors): image->text and text->image R@1/R@5, which need no
 * labels, and zero-shot accuracy from class prompts where the domain declares class names. Retrieval is
 * class-aware (any same-class item counts) when {@code classAwareRetrieval} and the samples carry labels.
 */
public final class Evaluator {
    /** Metric names, as they appear in events, metrics.json and gate configurations. */
    public static final String ZERO_SHOT = "zero_shot";

    public static final String I2T_R1 = "i2t_r1";
    public static final String I2T_R5 = "i2t_r5";
    public static final String T2I_R1 = "t2i_r1";
    public static final String T2I_R5 = "t2i_r5";
    /** Mean of the two R@1: one label-free number per domain. */
    public static final String R1_MEAN = "r1_mean";
    /**
     * Not a metric: how many samples a domain's metrics were measured on, reported beside them for the gate's noise
     * bound.
     */
    public static final String SAMPLES = "samples";

    public static final Set<String> RETRIEVAL = Set.of(I2T_R1, I2T_R5, T2I_R1, T2I_R5, R1_MEAN);
    public static final Set<String> ALL = Set.of(ZERO_SHOT, I2T_R1, I2T_R5, T2I_R1, T2I_R5, R1_MEAN);

    /** Seed of the captions a {@link Captioner} draws for retrieval, so every model sees the same texts. */
    private static final long CAPTION_SEED = 1234;

    private final Captioner captioner;
    private final ClassPrompts prompts;
    private final boolean classAwareRetrieval;

    /** @param zeroShotAccuracy NaN where the domain declares no class names (or no sample has a known label) */
    public record DomainMetrics(double zeroShotAccuracy, double i2tR1, double i2tR5, double t2iR1, double t2iR5) {
        /** By metric name; zero-shot only where it exists. */
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            if (!Double.isNaN(zeroShotAccuracy)) {
                m.put(ZERO_SHOT, zeroShotAccuracy);
            }
            m.put(I2T_R1, i2tR1);
            m.put(I2T_R5, i2tR5);
            m.put(T2I_R1, t2iR1);
            m.put(T2I_R5, t2iR5);
            m.put(R1_MEAN, (i2tR1 + t2iR1) / 2);
            return m;
        }
    }

    /** Batch size of inference comes from the model ({@link ClipModel#setBatchSize}). */
    public Evaluator(Captioner captioner, ClassPrompts prompts, boolean classAwareRetrieval) {
        this.captioner = captioner;
        this.prompts = prompts;
        this.classAwareRetrieval = classAwareRetrieval;
    }

    /** Curated pairs: their own captions, plain (pairwise) retrieval. */
    public static Evaluator forPairs(ClassPrompts prompts) {
        return new Evaluator(Captioner.fixed(), prompts, false);
    }

    public ClassPrompts prompts() {
        return prompts;
    }

    public float[][] embedImages(ImageTextEmbedder model, List<PixelImage> images) {
        return embedPixels(model, images);
    }

    static float[][] embedPixels(ImageTextEmbedder model, List<PixelImage> images) {
        return model.encodePixels(PixelBatch.toChw(model.preprocessor(), images));
    }

    public float[][] embedTexts(ImageTextEmbedder model, List<String> texts) {
        return model.encodeTexts(texts);
    }

    /** One embedding per class of {@code domain} (mean of its prompts' embeddings); empty without class names. */
    public float[][] classEmbeddings(ImageTextEmbedder model, String domain) {
        return classEmbeddings(model, domain, EmbeddingMemo.texts());
    }

    private float[][] classEmbeddings(ImageTextEmbedder model, String domain, EmbeddingMemo memo) {
        List<String> classes = prompts.classNames(domain);
        List<String> all = new ArrayList<>();
        int[] counts = new int[classes.size()];
        for (int c = 0; c < classes.size(); c++) {
            List<String> p = prompts.prompts(classes.get(c), domain);
            counts[c] = p.size();
            all.addAll(p);
        }
        if (all.isEmpty()) {
            return new float[0][];
        }
        float[][] flat = memo.texts(model, all);
        float[][][] grouped = new float[classes.size()][][];
        int at = 0;
        for (int c = 0; c < classes.size(); c++) {
            grouped[c] = new float[counts[c]][];
            for (int k = 0; k < counts[c]; k++) {
                grouped[c][k] = flat[at++];
            }
        }
        return ZeroShot.classEmbeddings(grouped);
    }

    /** Zero-shot accuracy on the samples whose label is one of the domain's classes; NaN when there are none. */
    public double zeroShotAccuracy(ImageTextEmbedder model, String domain, List<Sample> samples) {
        boolean[] hits = zeroShotHits(model, domain, samples, null, EmbeddingMemo.texts());
        return hits == null ? Double.NaN : ZeroShot.accuracy(hits);
    }

    /** Zero-shot hit of each sample with a known class, in the samples' order; null when none has one. */
    private boolean[] zeroShotHits(
            ImageTextEmbedder model,
            String domain,
            List<Sample> samples,
            float[][] imageEmbeddings,
            EmbeddingMemo memo) {
        List<String> classes = prompts.classNames(domain);
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < samples.size(); i++) {
            String label = samples.get(i).label();
            if (label != null && classes.contains(label)) {
                rows.add(i);
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        float[][] img;
        if (imageEmbeddings != null) {
            img = rows.stream().map(i -> imageEmbeddings[i]).toArray(float[][]::new);
        } else {
            img = memo.images(model, rows.stream().map(samples::get).toList());
        }
        int[] labels = rows.stream()
                .mapToInt(i -> classes.indexOf(samples.get(i).label()))
                .toArray();
        return ZeroShot.hits(img, classEmbeddings(model, domain, memo), labels);
    }

    /** Every metric of one domain's set. */
    public DomainMetrics evaluate(ImageTextEmbedder model, String domain, List<Sample> samples) {
        return evaluate(model, domain, samples, ALL);
    }

    private DomainMetrics evaluate(
            ImageTextEmbedder model, String domain, List<Sample> samples, Collection<String> wanted) {
        return evaluateWithHits(model, domain, samples, wanted, null, EmbeddingMemo.texts());
    }

    /** As {@link #evaluate}, and puts the zero-shot hits (where the domain has classes) into {@code hitsOut}. */
    private DomainMetrics evaluateWithHits(
            ImageTextEmbedder model,
            String domain,
            List<Sample> samples,
            Collection<String> wanted,
            Map<String, boolean[]> hitsOut,
            EmbeddingMemo memo) {
        float[][] img = memo.images(model, samples);
        double acc = Double.NaN;
        if (wanted.contains(ZERO_SHOT)) {
            boolean[] hits = zeroShotHits(model, domain, samples, img, memo);
            if (hits != null) {
                acc = ZeroShot.accuracy(hits);
                if (hitsOut != null) {
                    hitsOut.put(domain, hits);
                }
            }
        }
        if (wanted.stream().noneMatch(RETRIEVAL::contains)) {
            return new DomainMetrics(acc, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        Random rnd = new Random(CAPTION_SEED);
        List<String> caps = samples.stream().map(s -> captioner.caption(s, rnd)).toList();
        float[][] txt = memo.texts(model, caps);
        float[][] sims = new float[img.length][img.length];
        for (int i = 0; i < img.length; i++) {
            for (int j = 0; j < img.length; j++) {
                double s = 0;
                for (int d = 0; d < img[i].length; d++) {
                    s += img[i][d] * txt[j][d];
                }
                sims[i][j] = (float) s;
            }
        }
        int[] groups = classAwareRetrieval ? groups(samples) : null;
        return new DomainMetrics(
                acc,
                Retrieval.imageToText(sims, 1, groups),
                Retrieval.imageToText(sims, 5, groups),
                Retrieval.textToImage(sims, 1, groups),
                Retrieval.textToImage(sims, 5, groups));
    }

    /** Same label = same group; an unlabelled sample is a group of its own. */
    private static int[] groups(List<Sample> samples) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        int[] g = new int[samples.size()];
        for (int i = 0; i < g.length; i++) {
            String l = samples.get(i).label();
            g[i] = l == null ? -1 - i : ids.computeIfAbsent(l, k -> ids.size());
        }
        return g;
    }

    /**
     * The {@code wanted} metrics of each domain's set (domain -> metric -> value), and the set's size as
     * {@link #SAMPLES}; a metric a domain cannot have (zero-shot without class names) is absent. Only what is wanted
     * is computed.
     */
    public Map<String, Map<String, Double>> metrics(
            ImageTextEmbedder model, Map<String, List<Sample>> sets, Collection<String> wanted) {
        return measure(model, sets, wanted).metrics();
    }

    /**
     * What {@link #metrics} measures, and per domain with classes which of its samples zero-shot classification gets
     * right (for a paired test between two models on the same samples).
     */
    public record Measured(Map<String, Map<String, Double>> metrics, Map<String, boolean[]> zeroShotHits) {}

    /**
     * {@link #metrics} with the zero-shot hits beside them, from the same embeddings; each distinct text embedded once.
     */
    public Measured measure(ImageTextEmbedder model, Map<String, List<Sample>> sets, Collection<String> wanted) {
        return measure(model, sets, wanted, EmbeddingMemo.texts());
    }

    /**
     * The same, taking what {@code memo} already holds of {@code model}'s current weights, and leaving there what it
     * embeds (e.g. a champion's anchors embedded ahead of the run that needs them).
     */
    public Measured measure(
            ImageTextEmbedder model, Map<String, List<Sample>> sets, Collection<String> wanted, EmbeddingMemo memo) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        Map<String, boolean[]> hits = new LinkedHashMap<>();
        sets.forEach((d, s) -> {
            if (s.isEmpty()) {
                return;
            }
            Map<String, Double> all =
                    evaluateWithHits(model, d, s, wanted, hits, memo).asMap();
            Map<String, Double> kept = new LinkedHashMap<>();
            all.forEach((k, v) -> {
                if (wanted.contains(k) && !Double.isNaN(v)) {
                    kept.put(k, v);
                }
            });
            kept.put(SAMPLES, (double) s.size());
            out.put(d, kept);
        });
        return new Measured(out, hits);
    }
}
