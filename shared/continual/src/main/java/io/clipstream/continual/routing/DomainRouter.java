package io.clipstream.continual.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Infers an image's domain from a feature vector of it (the {@link RoutedEmbedder}'s: every expert's embedding of the
 * image side by side, and a thumbnail): a small neural network (standardised features, one hidden layer of ReLU
 * units, softmax over the domains; Adam on mini-batches, a little L2, fixed seeds), fitted on the features of each
 * domain's kept samples. The domain is inferred from the image, never given: this is how a domain-incremental
 * learner with one expert per domain (Expert Gate, Aljundi et al. 2017; S-Prompts, Wang et al. 2022) picks the
 * expert at test time. A linear model was not enough: it sent 6-7 % of upright Fashion-MNIST images to the rotated
 * domain's expert. Immutable.
 */
public final class DomainRouter {
    private static final int HIDDEN = 64;
    private static final int EPOCHS = 30;
    private static final int BATCH = 64;
    private static final double LEARNING_RATE = 3e-3;
    private static final double L2 = 1e-4;
    private static final long SEED = 20_221_105L;

    private final List<String> domains;
    private final double[] mean;
    private final double[] scale;
    /** [hidden][feature], [hidden], [domain][hidden], [domain] */
    private final double[][] w1;
    private final double[] b1;
    private final double[][] w2;
    private final double[] b2;

    private DomainRouter(Map<String, float[][]> examples) {
        this.domains = List.copyOf(examples.keySet());
        List<float[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        for (int k = 0; k < domains.size(); k++) {
            for (float[] v : examples.get(domains.get(k))) {
                x.add(v);
                y.add(k);
            }
        }
        int dim = x.get(0).length;
        mean = new double[dim];
        scale = new double[dim];
        for (float[] v : x) for (int j = 0; j < dim; j++) mean[j] += v[j] / x.size();
        for (float[] v : x) for (int j = 0; j < dim; j++) scale[j] += (v[j] - mean[j]) * (v[j] - mean[j]) / x.size();
        for (int j = 0; j < dim; j++) scale[j] = scale[j] > 1e-12 ? 1 / Math.sqrt(scale[j]) : 0;
        Random rnd = new Random(SEED);
        w1 = new double[HIDDEN][dim];
        b1 = new double[HIDDEN];
        w2 = new double[domains.size()][HIDDEN];
        b2 = new double[domains.size()];
        for (double[] row : w1) for (int j = 0; j < dim; j++) row[j] = rnd.nextGaussian() * Math.sqrt(2.0 / dim);
        for (double[] row : w2) for (int j = 0; j < HIDDEN; j++) row[j] = rnd.nextGaussian() * Math.sqrt(1.0 / HIDDEN);
        if (domains.size() > 1) fit(x.stream().map(this::standardised).toList(), y, rnd);
    }

    /** A router fitted on each domain's examples (domain -> feature rows, all of one length), in that order. */
    public static DomainRouter fit(Map<String, float[][]> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("a router needs at least one domain");
        Integer dim = null;
        for (Map.Entry<String, float[][]> e : examples.entrySet()) {
            if (e.getValue().length == 0) throw new IllegalArgumentException("no examples of domain " + e.getKey() + " to route by");
            for (float[] row : e.getValue()) {
                if (dim == null) dim = row.length;
                if (row.length != dim) throw new IllegalArgumentException("examples of domain " + e.getKey() + " have " + row.length
                        + " features, others " + dim);
            }
        }
        return new DomainRouter(new LinkedHashMap<>(examples));
    }

    /** The domains, in the order they were added. */
    public List<String> domains() {
        return domains;
    }

    /** The most probable domain of an image with these features. */
    public String route(float[] features) {
        if (features.length != mean.length) {
            throw new IllegalArgumentException(features.length + " features; the router was fitted on " + mean.length);
        }
        double[] z = logits(standardised(features), new double[HIDDEN]);
        int best = 0;
        for (int k = 1; k < z.length; k++) if (z[k] > z[best]) best = k;
        return domains.get(best);
    }

    /** What a served version needs to route: the standardisation and the network's weights. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", "h = relu(w1 . ((x - mean) * scale) + b1); the domain of the largest w2 . h + b2, in the order of"
                + " domains; x = every adapter's image embedding side by side (in the order of domains), then the image's"
                + " " + RoutedEmbedder.THUMB + "x" + RoutedEmbedder.THUMB + " thumbnail per channel");
        out.put("domains", domains);
        out.put("mean", mean.clone());
        out.put("scale", scale.clone());
        out.put("w1", w1);
        out.put("b1", b1);
        out.put("w2", w2);
        out.put("b2", b2);
        return out;
    }

    private double[] standardised(float[] v) {
        double[] f = new double[mean.length];
        for (int j = 0; j < mean.length; j++) f[j] = (v[j] - mean[j]) * scale[j];
        return f;
    }

    /** The domains' logits; {@code h} receives the hidden activations. */
    private double[] logits(double[] x, double[] h) {
        for (int u = 0; u < HIDDEN; u++) {
            double a = b1[u];
            double[] w = w1[u];
            for (int j = 0; j < x.length; j++) a += w[j] * x[j];
            h[u] = Math.max(0, a);
        }
        double[] z = new double[w2.length];
        for (int k = 0; k < z.length; k++) {
            double a = b2[k];
            for (int u = 0; u < HIDDEN; u++) a += w2[k][u] * h[u];
            z[k] = a;
        }
        return z;
    }

    /** Cross-entropy, Adam on shuffled mini-batches. */
    private void fit(List<double[]> x, List<Integer> y, Random rnd) {
        Adam a1 = new Adam(w1), a2 = new Adam(w2);
        Adam c1 = new Adam(new double[][] {b1}), c2 = new Adam(new double[][] {b2});
        int dim = mean.length;
        int classes = domains.size();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < x.size(); i++) order.add(i);
        double[] h = new double[HIDDEN];
        double[] dh = new double[HIDDEN];
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            Collections.shuffle(order, rnd);
            for (int from = 0; from < order.size(); from += BATCH) {
                int to = Math.min(order.size(), from + BATCH);
                double[][] g1 = new double[HIDDEN][dim];
                double[] gb1 = new double[HIDDEN];
                double[][] g2 = new double[classes][HIDDEN];
                double[] gb2 = new double[classes];
                for (int n = from; n < to; n++) {
                    int i = order.get(n);
                    double[] xi = x.get(i);
                    double[] z = logits(xi, h);
                    double max = Double.NEGATIVE_INFINITY;
                    for (double v : z) max = Math.max(max, v);
                    double sum = 0;
                    for (int k = 0; k < classes; k++) sum += z[k] = Math.exp(z[k] - max);
                    java.util.Arrays.fill(dh, 0);
                    for (int k = 0; k < classes; k++) {
                        double dz = z[k] / sum - (y.get(i) == k ? 1 : 0);
                        gb2[k] += dz;
                        for (int u = 0; u < HIDDEN; u++) {
                            g2[k][u] += dz * h[u];
                            dh[u] += dz * w2[k][u];
                        }
                    }
                    for (int u = 0; u < HIDDEN; u++) {
                        if (h[u] <= 0) continue;
                        gb1[u] += dh[u];
                        double[] g = g1[u];
                        for (int j = 0; j < dim; j++) g[j] += dh[u] * xi[j];
                    }
                }
                double inv = 1.0 / (to - from);
                a1.step(w1, g1, inv, L2);
                a2.step(w2, g2, inv, L2);
                c1.step(new double[][] {b1}, new double[][] {gb1}, inv, 0);
                c2.step(new double[][] {b2}, new double[][] {gb2}, inv, 0);
            }
        }
    }

    /** Adam's moments of one weight matrix. */
    private static final class Adam {
        private final double[][] m;
        private final double[][] v;
        private int t;

        Adam(double[][] shape) {
            m = new double[shape.length][shape[0].length];
            v = new double[shape.length][shape[0].length];
        }

        /** w -= lr * Adam(g * scale + l2 * w) */
        void step(double[][] w, double[][] g, double scale, double l2) {
            t++;
            double c1 = 1 - Math.pow(0.9, t), c2 = 1 - Math.pow(0.999, t);
            for (int r = 0; r < w.length; r++) {
                for (int j = 0; j < w[r].length; j++) {
                    double gr = g[r][j] * scale + l2 * w[r][j];
                    m[r][j] = 0.9 * m[r][j] + 0.1 * gr;
                    v[r][j] = 0.999 * v[r][j] + 0.001 * gr * gr;
                    w[r][j] -= LEARNING_RATE * (m[r][j] / c1) / (Math.sqrt(v[r][j] / c2) + 1e-8);
                }
            }
        }
    }
}
