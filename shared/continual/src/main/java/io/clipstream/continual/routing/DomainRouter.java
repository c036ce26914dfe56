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
    private double[] priorShifts;

    private DomainRouter(Map<String, float[][]> examples) {
        this.domains = List.copyOf(examples.keySet());
        this.priorShifts = new double[domains.size()];
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
        return fit(examples, 1);
    }

    /**
     * The same, with a prior toward the domains learned earlier ({@code examples} in the order the domains arrived):
     * each domain's logit is lowered just enough that at most {@code maxTaken} of the held-out examples of the domains
     * before it go to it or to a later one. The shifts are measured on a network fitted on four fifths of every
     * domain's examples and tested on the fifth left out; the router itself is then fitted on all of them. An earlier
     * domain's image sent to a later expert is a loss the gate sees on that domain, while a later domain's image kept
     * by an earlier expert only makes the later domain learn less: this trades the second for the first.
     */
    public static DomainRouter fit(Map<String, float[][]> examples, double maxTaken) {
        if (examples.isEmpty()) throw new IllegalArgumentException("a router needs at least one domain");
        if (maxTaken < 0 || maxTaken > 1) throw new IllegalArgumentException("maxTaken must be in [0, 1]: " + maxTaken);
        Integer dim = null;
        for (Map.Entry<String, float[][]> e : examples.entrySet()) {
            if (e.getValue().length == 0) throw new IllegalArgumentException("no examples of domain " + e.getKey() + " to route by");
            for (float[] row : e.getValue()) {
                if (dim == null) dim = row.length;
                if (row.length != dim) throw new IllegalArgumentException("examples of domain " + e.getKey() + " have " + row.length
                        + " features, others " + dim);
            }
        }
        DomainRouter router = new DomainRouter(new LinkedHashMap<>(examples));
        boolean calibrate = maxTaken < 1 && examples.size() > 1
                && examples.values().stream().allMatch(v -> v.length >= HOLD_OUT_EVERY);
        if (calibrate) {
            double[] shifts = heldOutShifts(examples, maxTaken);
            for (int k = 0; k < shifts.length; k++) router.b2[k] -= shifts[k];
            router.priorShifts = shifts;
        }
        return router;
    }

    /** Every this-many-th example is held out when the prior toward earlier domains is measured. */
    private static final int HOLD_OUT_EVERY = 5;

    /**
     * How much each domain's logit must be lowered (never raised) so that, for every domain j, at most
     * {@code maxTaken} of the held-out examples of the domains before j have a logit of j or a later domain above every
     * earlier domain's. Measured domain by domain in arrival order; a domain's shift includes those before it.
     */
    private static double[] heldOutShifts(Map<String, float[][]> examples, double maxTaken) {
        Map<String, float[][]> fitPart = new LinkedHashMap<>();
        List<float[]> held = new ArrayList<>();
        List<Integer> heldDomain = new ArrayList<>();
        int d = 0;
        for (Map.Entry<String, float[][]> e : examples.entrySet()) {
            List<float[]> fit = new ArrayList<>();
            float[][] rows = e.getValue();
            for (int i = 0; i < rows.length; i++) {
                if (i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1) {
                    held.add(rows[i]);
                    heldDomain.add(d);
                } else {
                    fit.add(rows[i]);
                }
            }
            fitPart.put(e.getKey(), fit.toArray(float[][]::new));
            d++;
        }
        DomainRouter probe = new DomainRouter(fitPart);
        double[][] z = new double[held.size()][];
        for (int i = 0; i < z.length; i++) z[i] = probe.logits(probe.standardised(held.get(i)), new double[HIDDEN]);
        int domains = examples.size();
        double[] shifts = new double[domains];
        for (int j = 1; j < domains; j++) {
            List<Double> margins = new ArrayList<>();
            for (int i = 0; i < z.length; i++) {
                if (heldDomain.get(i) >= j) continue;
                double later = Double.NEGATIVE_INFINITY, earlier = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < domains; k++) {
                    double v = z[i][k] - shifts[k];
                    if (k >= j) later = Math.max(later, v);
                    else earlier = Math.max(earlier, v);
                }
                margins.add(later - earlier);
            }
            Collections.sort(margins);
            int allowed = (int) Math.floor(maxTaken * margins.size());
            if (allowed >= margins.size()) continue;
            // lowering by the (allowed+1)-th largest margin leaves at most `allowed` examples above the earlier domains
            double shift = Math.max(0, margins.get(margins.size() - 1 - allowed) + 1e-9);
            for (int k = j; k < domains; k++) shifts[k] += shift;
        }
        return shifts;
    }

    /** How much each domain's logit was lowered in favour of the domains before it (all 0: no prior). */
    public Map<String, Double> priorShifts() {
        Map<String, Double> out = new LinkedHashMap<>();
        for (int k = 0; k < domains.size(); k++) out.put(domains.get(k), priorShifts[k]);
        return out;
    }

    /** The domains, in the order they were added. */
    public List<String> domains() {
        return domains;
    }

    /** The most probable domain of an image with these features. */
    public String route(float[] features) {
        return domains.get(argmax(probabilities(features)));
    }

    /** The index of the largest value (the first of equal ones). */
    static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
        return best;
    }

    /** The probability of each domain, in the order of {@link #domains()}, for an image with these features. */
    public double[] probabilities(float[] features) {
        if (features.length != mean.length) {
            throw new IllegalArgumentException(features.length + " features; the router was fitted on " + mean.length);
        }
        double[] z = logits(standardised(features), new double[HIDDEN]);
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) max = Math.max(max, v);
        double sum = 0;
        for (int k = 0; k < z.length; k++) sum += z[k] = Math.exp(z[k] - max);
        for (int k = 0; k < z.length; k++) z[k] /= sum;
        return z;
    }

    /** What a served version needs to route: the standardisation and the network's weights. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", "h = relu(w1 . ((x - mean) * scale) + b1); p = softmax(w2 . h + b2), one probability per domain in"
                + " the order of domains (b2 includes prior_shift, each domain's logit lowered in favour of the earlier ones); x = every adapter's image embedding side by side (in the order of domains), then the image's"
                + " " + RoutedEmbedder.THUMB + "x" + RoutedEmbedder.THUMB + " thumbnail per channel");
        out.put("domains", domains);
        out.put("prior_shift", priorShifts.clone());
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
