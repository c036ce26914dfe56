package io.clipstream.continual.routing;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.continual.data.Sample;
import io.clipstream.continual.train.PixelBatch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One CLIP model with an adapter per domain (an expert) and a {@link DomainRouter} that picks an image's expert from
 * the image itself, seen as one embedder. Embeddings are K blocks of the model's dimension, one per domain. A text is
 * embedded by every expert, each unit vector in its block, scaled by 1/sqrt(K). An image is embedded by the experts
 * the router gives at least {@link #MIN_SHARE} of its probability, each into its own block weighted by that
 * probability (zeros elsewhere), the whole scaled to unit norm ({@link #blockWeights}). An image the router is sure of
 * is its expert's embedding: its dot product with a text is that expert's cosine similarity divided by sqrt(K), so
 * zero-shot classification and retrieval rank exactly as the image's expert ranks. An image it is unsure of (an
 * upright bag looks much like a rotated one) is scored by the probability-weighted average of its experts'
 * similarities, instead of by the one expert that a coin-flip picked. An index of these vectors serves them as it
 * serves any CLIP embeddings.
 *
 * <p>Routing embeds every image with every expert first ({@link #routingFeatures}). The model's adapter
 * is left holding whichever expert ran last. One thread at a time, as the model.
 */
public final class RoutedEmbedder implements ImageTextEmbedder {
    private final ClipModel model;
    private final DomainRouter router;
    private final Map<String, Map<String, NDArray>> experts;
    private final List<String> domains;

    /** @param experts the adapter weights of every domain the router knows (domains may share one) */
    public RoutedEmbedder(ClipModel model, DomainRouter router, Map<String, Map<String, NDArray>> experts) {
        this.model = model;
        this.router = router;
        this.experts = Map.copyOf(experts);
        this.domains = router.domains();
        if (domains.isEmpty()) throw new IllegalArgumentException("the router knows no domain");
        for (String d : domains) {
            if (!experts.containsKey(d)) throw new IllegalArgumentException("no expert for routed domain " + d);
        }
    }

    public List<String> domains() {
        return domains;
    }

    /** The domain each image is routed to, in order. */
    public List<String> routes(List<float[]> chw) {
        return routes(routingFeatures(model, domains.stream().map(experts::get).toList(), chw));
    }

    private List<String> routes(float[][] features) {
        List<String> out = new ArrayList<>(features.length);
        for (float[] v : features) out.add(router.route(v));
        return out;
    }

    /** Per domain, the share of its samples that are routed to that domain's adapter. */
    public Map<String, Double> shareRoutedToOwnAdapter(Map<String, List<Sample>> sets) {
        Map<String, Double> out = new LinkedHashMap<>();
        sets.forEach((d, samples) -> {
            List<String> r = routes(PixelBatch.toChw(preprocessor(), samples.stream().map(Sample::image).toList()));
            out.put(d, r.stream().filter(d::equals).count() / (double) Math.max(1, r.size()));
        });
        return out;
    }

    /** The shares of {@link #shareRoutedToOwnAdapter} as "domain 99.1 %, ..." for a log line. */
    public static String percentages(Map<String, Double> shares) {
        StringBuilder sb = new StringBuilder();
        shares.forEach((d, v) -> sb.append(String.format("%s%s %.1f %%", sb.isEmpty() ? "" : ", ", d, 100 * v)));
        return sb.toString();
    }

    /**
     * What the router reads of each image: a thumbnail of it, then its embedding by each adapter, side by side. An
     * expert answers its own domain's images differently from the others' (the base model alone hardly tells an
     * upright image from a rotated one), and this needs nothing but the adapters. The features of the first k adapters
     * are a prefix of those of more: a router's earlier stages read the prefix they were fitted on.
     */
    public static float[][] routingFeatures(ClipModel model, List<Map<String, NDArray>> adapters, List<float[]> chw) {
        int dim = model.dimension();
        int size = model.preprocessor().size();
        int thumb = thumbnailLength(chw, size);
        float[][] out = new float[chw.size()][thumb + adapters.size() * dim];
        for (int i = 0; i < chw.size(); i++) thumbnail(chw.get(i), size, out[i], 0);
        for (int k = 0; k < adapters.size(); k++) {
            model.lora().setWeights(adapters.get(k));
            float[][] e = model.encodePixels(chw);
            for (int i = 0; i < e.length; i++) System.arraycopy(e[i], 0, out[i], thumb + k * dim, dim);
        }
        return out;
    }

    /** How many features {@link #routingFeatures} gives for {@code adapters} adapters of this model (RGB images). */
    public static int featureLength(ClipModel model, int adapters) {
        return THUMB * THUMB * ImagePreprocessor.CLIP_MEAN.length + adapters * model.dimension();
    }

    private static int thumbnailLength(List<float[]> chw, int size) {
        return THUMB * THUMB * (chw.isEmpty() ? 0 : chw.get(0).length / (size * size));
    }

    /** Side of the thumbnail the router also reads: the layout and tone of an image, which embeddings abstract away. */
    static final int THUMB = 8;

    /** The mean of each channel over a THUMB x THUMB grid of cells of a square CHW image, written at {@code at}. */
    static void thumbnail(float[] chw, int size, float[] out, int at) {
        int channels = chw.length / (size * size);
        int[] count = new int[THUMB * THUMB];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int cell = (y * THUMB / size) * THUMB + x * THUMB / size;
                count[cell]++;
            }
        }
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int cell = (y * THUMB / size) * THUMB + x * THUMB / size;
                    out[at + c * THUMB * THUMB + cell] += chw[c * size * size + y * size + x];
                }
            }
            for (int cell = 0; cell < THUMB * THUMB; cell++) out[at + c * THUMB * THUMB + cell] /= count[cell];
        }
    }

    /** Below this probability an expert takes no part in an image's embedding. */
    static final double MIN_SHARE = 0.1;

    /**
     * The weight of each expert's block in an image's embedding, given the router's probabilities and the expert it
     * routes the image to: the probability where it is at least {@link #MIN_SHARE} (the routed expert always counts),
     * else 0, scaled so that the squares sum to 1 (the blocks are unit vectors: the embedding is unit-norm).
     */
    static double[] blockWeights(double[] probabilities, int routed) {
        double[] w = new double[probabilities.length];
        double sq = 0;
        for (int k = 0; k < w.length; k++) {
            w[k] = k == routed || probabilities[k] >= MIN_SHARE ? probabilities[k] : 0;
            sq += w[k] * w[k];
        }
        double norm = Math.sqrt(sq);
        for (int k = 0; k < w.length; k++) w[k] /= norm;
        return w;
    }

    /** Each image's blocks are its experts' embeddings, which routing has computed already, weighted by {@link #blockWeights}. */
    @Override
    public float[][] encodePixels(List<float[]> chw) {
        float[][] features = routingFeatures(model, domains.stream().map(experts::get).toList(), chw);
        int dim = model.dimension();
        int thumb = thumbnailLength(chw, model.preprocessor().size());
        float[][] out = new float[chw.size()][domains.size() * dim];
        for (int i = 0; i < out.length; i++) {
            DomainRouter.Decision d = router.decide(features[i]);
            double[] w = blockWeights(d.probabilities(), d.domain());
            for (int k = 0; k < w.length; k++) {
                if (w[k] == 0) continue;
                for (int j = 0; j < dim; j++) out[i][k * dim + j] = (float) (w[k] * features[i][thumb + k * dim + j]);
            }
        }
        return out;
    }

    @Override
    public float[][] encodeTexts(List<String> texts) {
        int dim = model.dimension();
        float scale = (float) (1 / Math.sqrt(domains.size()));
        float[][] out = new float[texts.size()][domains.size() * dim];
        for (int k = 0; k < domains.size(); k++) {
            model.lora().setWeights(experts.get(domains.get(k)));
            float[][] e = model.encodeTexts(texts);
            for (int i = 0; i < e.length; i++) {
                for (int j = 0; j < dim; j++) out[i][k * dim + j] = e[i][j] * scale;
            }
        }
        return out;
    }

    @Override
    public ImagePreprocessor preprocessor() {
        return model.preprocessor();
    }

    @Override
    public int dimension() {
        return domains.size() * model.dimension();
    }
}
