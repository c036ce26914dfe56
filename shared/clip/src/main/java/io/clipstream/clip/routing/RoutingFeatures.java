package io.clipstream.clip.routing;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import java.util.List;
import java.util.Map;

/**
 * What a {@link DomainRouter} reads of an image: a thumbnail of it, then its embedding by each expert's adapter, side
 * by side. An expert answers its own domain's images differently from the others' (the base model alone hardly tells
 * an upright image from a rotated one), and this needs nothing but the adapters. The features of the first k adapters
 * are a prefix of those of more: a router's earlier stages read the prefix they were fitted on. The trainer routes
 * with these features when it gates, the embedding refresh when it serves: one computation for both.
 */
public final class RoutingFeatures {
    /** Side of the thumbnail: the layout and tone of an image, which embeddings abstract away. */
    public static final int THUMB = 8;

    private RoutingFeatures() {}

    /**
     * The features of each image ({@code chw}: preprocessed, square), with each of {@code adapters} set on the model in
     * turn (the model's adapter is left holding the last one). Each adapter's embedding of image i is at
     * {@link #embeddingOffset}{@code (model, k)} of row i.
     */
    public static float[][] of(ClipModel model, List<Map<String, NDArray>> adapters, List<float[]> chw) {
        return of(model, adapters, chw, new float[chw.size()][adapters.size()][]);
    }

    /**
     * The same, where {@code known[i][k]} (when not null) is the {@code k}-th adapter's embedding of image i from an
     * earlier pass: an adapter runs only over the images whose embedding by it is not known, and not at all when every
     * one is. Adapters given as one map (domains served by one expert) run once.
     */
    public static float[][] of(
            ClipModel model, List<Map<String, NDArray>> adapters, List<float[]> chw, float[][][] known) {
        int dim = model.dimension();
        int size = model.preprocessor().size();
        int thumb = thumbnailLength(chw, size);
        float[][] out = new float[chw.size()][thumb + adapters.size() * dim];
        for (int i = 0; i < chw.size(); i++) {
            thumbnail(chw.get(i), size, out[i], 0);
        }
        Map<Map<String, NDArray>, float[][]> computed = new java.util.IdentityHashMap<>();
        for (int k = 0; k < adapters.size(); k++) {
            List<Integer> missing = new java.util.ArrayList<>();
            for (int i = 0; i < chw.size(); i++) {
                if (known[i][k] == null) {
                    missing.add(i);
                }
            }
            float[][] e = missing.isEmpty() ? new float[0][] : computed.get(adapters.get(k));
            if (e == null) {
                // one pass per adapter over every image that any of its domains lacks, so that shared ones run once
                List<Integer> lacking = lacking(adapters, known, adapters.get(k));
                model.lora().setWeights(adapters.get(k));
                float[][] pass =
                        model.encodePixels(lacking.stream().map(chw::get).toList());
                e = new float[chw.size()][];
                for (int j = 0; j < lacking.size(); j++) {
                    e[lacking.get(j)] = pass[j];
                }
                computed.put(adapters.get(k), e);
            }
            for (int i = 0; i < chw.size(); i++) {
                float[] v = known[i][k] != null ? known[i][k] : e[i];
                System.arraycopy(v, 0, out[i], thumb + k * dim, dim);
            }
        }
        return out;
    }

    /** The images that some position holding {@code adapter} has no known embedding of. */
    private static List<Integer> lacking(
            List<Map<String, NDArray>> adapters, float[][][] known, Map<String, NDArray> adapter) {
        List<Integer> out = new java.util.ArrayList<>();
        for (int i = 0; i < known.length; i++) {
            for (int k = 0; k < adapters.size(); k++) {
                if (adapters.get(k) == adapter && known[i][k] == null) {
                    out.add(i);
                    break;
                }
            }
        }
        return out;
    }

    /** How many features {@link #of} gives for {@code adapters} adapters of this model (RGB images). */
    public static int length(ClipModel model, int adapters) {
        return embeddingOffset(model, adapters);
    }

    /** Where the {@code k}-th adapter's embedding starts in a row of {@link #of} (RGB images). */
    public static int embeddingOffset(ClipModel model, int k) {
        return THUMB * THUMB * ImagePreprocessor.CLIP_MEAN.length + k * model.dimension();
    }

    /** The {@code k}-th adapter's embedding of the image whose features are {@code row}. */
    public static float[] embedding(ClipModel model, float[] row, int k) {
        int at = embeddingOffset(model, k);
        return java.util.Arrays.copyOfRange(row, at, at + model.dimension());
    }

    private static int thumbnailLength(List<float[]> chw, int size) {
        return THUMB * THUMB * (chw.isEmpty() ? 0 : chw.get(0).length / (size * size));
    }

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
            for (int cell = 0; cell < THUMB * THUMB; cell++) {
                out[at + c * THUMB * THUMB + cell] /= count[cell];
            }
        }
    }
}
