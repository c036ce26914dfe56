package io.clipstream.continual.routing;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.ImageTextEmbedder;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.clip.routing.DomainRouter;
import io.clipstream.clip.routing.RoutingFeatures;
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
 * <p>Routing embeds every image with every expert first ({@link RoutingFeatures}). The model's adapter
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
        if (domains.isEmpty()) {
            throw new IllegalArgumentException("the router knows no domain");
        }
        for (String d : domains) {
            if (!experts.containsKey(d)) {
                throw new IllegalArgumentException("no expert for routed domain " + d);
            }
        }
    }

    public List<String> domains() {
        return domains;
    }

    /** The domain each image is routed to, in order. */
    public List<String> routes(List<float[]> chw) {
        return routes(
                RoutingFeatures.of(model, domains.stream().map(experts::get).toList(), chw));
    }

    private List<String> routes(float[][] features) {
        List<String> out = new ArrayList<>(features.length);
        for (float[] v : features) {
            out.add(router.route(v));
        }
        return out;
    }

    /** Per domain, the share of its samples that are routed to that domain's adapter. */
    public Map<String, Double> shareRoutedToOwnAdapter(Map<String, List<Sample>> sets) {
        Map<String, Double> out = new LinkedHashMap<>();
        sets.forEach((d, samples) -> {
            List<String> r = routes(PixelBatch.toChw(
                    preprocessor(), samples.stream().map(Sample::image).toList()));
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
        for (int k = 0; k < w.length; k++) {
            w[k] /= norm;
        }
        return w;
    }

    /**
     * Each image's blocks are its experts' embeddings, which routing has computed already, weighted by {@link
     * #blockWeights}.
     */
    @Override
    public float[][] encodePixels(List<float[]> chw) {
        float[][] features =
                RoutingFeatures.of(model, domains.stream().map(experts::get).toList(), chw);
        int dim = model.dimension();
        int thumb = RoutingFeatures.embeddingOffset(model, 0);
        float[][] out = new float[chw.size()][domains.size() * dim];
        for (int i = 0; i < out.length; i++) {
            DomainRouter.Decision d = router.decide(features[i]);
            double[] w = blockWeights(d.probabilities(), d.domain());
            for (int k = 0; k < w.length; k++) {
                if (w[k] == 0) {
                    continue;
                }
                for (int j = 0; j < dim; j++) {
                    out[i][k * dim + j] = (float) (w[k] * features[i][thumb + k * dim + j]);
                }
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
                for (int j = 0; j < dim; j++) {
                    out[i][k * dim + j] = e[i][j] * scale;
                }
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
