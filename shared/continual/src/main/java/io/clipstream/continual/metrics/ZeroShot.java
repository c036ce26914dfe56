package io.clipstream.continual.metrics;

/**
 * Zero-shot classification from text prompts: class embedding = L2-normalised mean of the (normalised) prompt
 * embeddings of that class; prediction = argmax cosine similarity.
 */
public final class ZeroShot {
    private ZeroShot() {}

    /** @param promptEmbeddings [classes][templates][dim] */
    public static float[][] classEmbeddings(float[][][] promptEmbeddings) {
        float[][] out = new float[promptEmbeddings.length][];
        for (int c = 0; c < promptEmbeddings.length; c++) {
            int dim = promptEmbeddings[c][0].length;
            float[] m = new float[dim];
            for (float[] e : promptEmbeddings[c]) {
                for (int d = 0; d < dim; d++) {
                    m[d] += e[d];
                }
            }
            out[c] = normalize(m);
        }
        return out;
    }

    public static int[] predict(float[][] imageEmbeddings, float[][] classEmbeddings) {
        int[] pred = new int[imageEmbeddings.length];
        for (int i = 0; i < imageEmbeddings.length; i++) {
            int best = 0;
            double bestS = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classEmbeddings.length; c++) {
                double s = dot(imageEmbeddings[i], classEmbeddings[c]);
                if (s > bestS) {
                    bestS = s;
                    best = c;
                }
            }
            pred[i] = best;
        }
        return pred;
    }

    public static double accuracy(float[][] imageEmbeddings, float[][] classEmbeddings, int[] labels) {
        return accuracy(hits(imageEmbeddings, classEmbeddings, labels));
    }

    /** The share of hits; 0 without samples. */
    public static double accuracy(boolean[] hits) {
        int ok = 0;
        for (boolean h : hits) {
            if (h) {
                ok++;
            }
        }
        return hits.length == 0 ? 0 : (double) ok / hits.length;
    }

    /** Whether each image is classified right, in the images' order: what a paired test compares between two models. */
    public static boolean[] hits(float[][] imageEmbeddings, float[][] classEmbeddings, int[] labels) {
        int[] p = predict(imageEmbeddings, classEmbeddings);
        boolean[] out = new boolean[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] == labels[i];
        }
        return out;
    }

    public static float[] normalize(float[] v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        float[] o = new float[v.length];
        if (n == 0) {
            return o;
        }
        for (int i = 0; i < v.length; i++) {
            o[i] = (float) (v[i] / n);
        }
        return o;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
