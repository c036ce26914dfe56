package io.clipstream.clip.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Infers an image's domain from a feature vector of it (the {@link RoutingFeatures}: a thumbnail of the image, then
 * every expert's embedding of it, in the order the domains were learned). The domain is inferred from the image, never
 * given: this is how a domain-incremental learner with one expert per domain (Expert Gate, Aljundi et al. 2017;
 * S-Prompts, Wang et al. 2022) picks the expert at test time.
 *
 * <p>A cascade, one stage per increment: the first domain needs no decision; each later stage is a small neural
 * network (standardised features, one hidden layer of ReLU units, softmax; Adam on mini-batches, a little L2, fixed
 * seeds) that tells its new domains from all the earlier ones, reading only the features that existed when it was
 * fitted (the thumbnail and the experts up to its own). An image it gives to the earlier domains goes on to the stage
 * before it. A stage is never refitted: adding a domain cannot change how the images of the earlier domains are told
 * apart among themselves, so an earlier domain can only lose the images that the new stage takes, and a prior toward
 * the earlier domains bounds those ({@link #fit(Map, double)}). A router refitted from scratch at every increment moved
 * 2-3 % of the rotated domain's images to the upright one when sketches arrived, and the gate rejected sketches for it.
 * A linear stage was not enough: it sent 6-7 % of upright Fashion-MNIST images to the rotated domain's expert.
 * Immutable.
 */
public final class DomainRouter {
    private static final int HIDDEN = 64;
    private static final int EPOCHS = 30;
    private static final int BATCH = 64;
    private static final double LEARNING_RATE = 3e-3;
    private static final double L2 = 1e-4;
    private static final long SEED = 20_221_105L;
    /** Every this-many-th example is held out when the prior toward earlier domains is measured. */
    private static final int HOLD_OUT_EVERY = 5;

    /** The stage before this one; null at the first. */
    private final DomainRouter earlier;
    /** Every domain, in the order they were added; this stage's come last. */
    private final List<String> domains;
    /** This stage's domains. */
    private final List<String> own;
    /** How many leading features this stage reads (all of them, when it was fitted). */
    private final int features;
    /** Classes: 0 = an earlier domain, then {@code own}; null at the first stage (nothing to decide). */
    private final Network net;
    /** How much the logits of this stage's domains were lowered in favour of the earlier domains. */
    private final double priorShift;

    private DomainRouter(DomainRouter earlier, List<String> own, int features, Network net, double priorShift) {
        this.earlier = earlier;
        List<String> all = new ArrayList<>(earlier == null ? List.of() : earlier.domains);
        all.addAll(own);
        this.domains = List.copyOf(all);
        this.own = List.copyOf(own);
        this.features = features;
        this.net = net;
        this.priorShift = priorShift;
    }

    /** A router of one domain, which takes every image: the first stage of a router extended later. */
    public static DomainRouter single(String domain, int features) {
        return new DomainRouter(null, List.of(domain), features, null, 0);
    }

    /** A router fitted on each domain's examples (domain -> feature rows, all of one length), in that order. */
    public static DomainRouter fit(Map<String, float[][]> examples) {
        return fit(examples, 1);
    }

    /**
     * The same, with a prior toward the domains learned earlier ({@code examples} in the order the domains arrived,
     * one stage per domain): each stage's logits are lowered just enough that, of each domain before it, at most
     * {@code maxTaken} of the held-out examples go to its domains. A stage is then fitted on four fifths of every
     * domain's examples, and the fifth left out sets the shift of that very network; each earlier domain is bounded
     * on its own, so that one easily told apart cannot make room for one that is not. An earlier domain's image sent to
     * a later expert is a loss the gate sees on that domain, while a later
     * domain's image kept by an earlier expert only makes the later domain learn less: this trades the second for the
     * first.
     */
    public static DomainRouter fit(Map<String, float[][]> examples, double maxTaken) {
        int dim = validate(examples, maxTaken);
        List<String> names = List.copyOf(examples.keySet());
        DomainRouter r = new DomainRouter(null, List.of(names.get(0)), dim, null, 0);
        for (int k = 1; k < names.size(); k++) {
            Map<String, float[][]> upTo = new LinkedHashMap<>();
            for (String d : names.subList(0, k + 1)) {
                upTo.put(d, examples.get(d));
            }
            r = r.stage(upTo, List.of(names.get(k)), maxTaken);
        }
        return r;
    }

    /**
     * This router with one more stage for the domains of {@code examples} it does not know, which come after the
     * ones it knows (those first, in this router's order). Every example has this router's features and then the new
     * ones (the new experts' embeddings); the stages already here read only theirs, and are kept as they are.
     */
    public DomainRouter extend(Map<String, float[][]> examples, double maxTaken) {
        int dim = validate(examples, maxTaken);
        List<String> names = List.copyOf(examples.keySet());
        if (names.size() <= domains.size() || !names.subList(0, domains.size()).equals(domains)) {
            throw new IllegalArgumentException(
                    "a router of " + domains + " is extended by examples of those domains first, in that order,"
                            + " then new ones; got " + names);
        }
        if (dim < features) {
            throw new IllegalArgumentException("examples have " + dim + " features; the router reads " + features);
        }
        return stage(examples, names.subList(domains.size(), names.size()), maxTaken);
    }

    private DomainRouter stage(Map<String, float[][]> examples, List<String> newDomains, double maxTaken) {
        int dim = examples.values().iterator().next()[0].length;
        int classes = newDomains.size() + 1;
        boolean calibrate = maxTaken < 1 && examples.values().stream().allMatch(v -> v.length >= HOLD_OUT_EVERY);
        List<float[]> x = new ArrayList<>();
        List<Integer> y = new ArrayList<>();
        Map<String, List<float[]>> heldOut = new LinkedHashMap<>();
        examples.forEach((d, rows) -> {
            int label = newDomains.indexOf(d) + 1;
            for (int i = 0; i < rows.length; i++) {
                if (calibrate && i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1) {
                    heldOut.computeIfAbsent(d, k -> new ArrayList<>()).add(rows[i]);
                } else {
                    x.add(rows[i]);
                    y.add(label);
                }
            }
        });
        Network net = new Network(x, y, classes, dim);
        double shift = 0;
        if (calibrate) {
            for (String d : domains) {
                shift = Math.max(shift, shiftKeeping(net, heldOut.get(d), maxTaken));
            }
            for (int c = 1; c < classes; c++) {
                net.b2[c] -= shift;
            }
        }
        return new DomainRouter(this, newDomains, dim, net, shift);
    }

    /**
     * How much a stage's logits of its new domains must be lowered (never raised) so that at most {@code maxTaken} of
     * {@code earlier} (held-out examples of one earlier domain) have a new domain's logit above the earlier one.
     */
    private static double shiftKeeping(Network net, List<float[]> earlier, double maxTaken) {
        List<Double> margins = new ArrayList<>();
        for (float[] v : earlier) {
            double[] z = net.logits(v);
            double later = Double.NEGATIVE_INFINITY;
            for (int c = 1; c < z.length; c++) {
                later = Math.max(later, z[c]);
            }
            margins.add(later - z[0]);
        }
        Collections.sort(margins);
        int allowed = (int) Math.floor(maxTaken * margins.size());
        if (allowed >= margins.size()) {
            return 0;
        }
        // lowering by the (allowed+1)-th largest margin leaves at most `allowed` examples above the earlier domains
        return Math.max(0, margins.get(margins.size() - 1 - allowed) + 1e-9);
    }

    /** The feature length of every domain's rows, after checking them. */
    private static int validate(Map<String, float[][]> examples, double maxTaken) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("a router needs at least one domain");
        }
        if (maxTaken < 0 || maxTaken > 1) {
            throw new IllegalArgumentException("maxTaken must be in [0, 1]: " + maxTaken);
        }
        Integer dim = null;
        for (Map.Entry<String, float[][]> e : examples.entrySet()) {
            if (e.getValue().length == 0) {
                throw new IllegalArgumentException("no examples of domain " + e.getKey() + " to route by");
            }
            for (float[] row : e.getValue()) {
                if (dim == null) {
                    dim = row.length;
                }
                if (row.length != dim) {
                    throw new IllegalArgumentException(
                            "examples of domain " + e.getKey() + " have " + row.length + " features, others " + dim);
                }
            }
        }
        return dim;
    }

    /** How much each domain's logit was lowered in favour of the domains before it (all 0: no prior). */
    public Map<String, Double> priorShifts() {
        Map<String, Double> out = earlier == null ? new LinkedHashMap<>() : new LinkedHashMap<>(earlier.priorShifts());
        for (String d : own) {
            out.put(d, priorShift);
        }
        return out;
    }

    /** The domains, in the order they were added. */
    public List<String> domains() {
        return domains;
    }

    /** The domain of an image with these features: the newest stage that claims it, else the first domain. */
    public String route(float[] features) {
        return domains.get(decide(features).domain());
    }

    /** The index of the largest value (the first of equal ones). */
    static int argmax(double[] values) {
        int best = 0;
        for (int k = 1; k < values.length; k++) {
            if (values[k] > values[best]) {
                best = k;
            }
        }
        return best;
    }

    /**
     * The probability of each domain, in the order of {@link #domains()}, for an image with these features: each
     * stage's probability of its own domains, and what it leaves to the earlier domains shared out by the stage before.
     */
    public double[] probabilities(float[] features) {
        return decide(features).probabilities();
    }

    /**
     * Where an image goes: its domain's index in {@link #domains()} (see {@link #route}), and {@link #probabilities}.
     */
    public record Decision(int domain, double[] probabilities) {}

    /** {@link #route} and {@link #probabilities} at once, each stage's network evaluated once. */
    public Decision decide(float[] features) {
        requireLength(features);
        List<DomainRouter> stages = new ArrayList<>();
        for (DomainRouter s = this; s.net != null; s = s.earlier) {
            stages.add(0, s);
        }
        double[][] q = new double[stages.size()][];
        for (int i = 0; i < q.length; i++) {
            q[i] = stages.get(i).net.probabilities(features);
        }
        int routed = 0;
        for (int i = q.length - 1; i >= 0; i--) {
            int c = argmax(q[i]);
            if (c > 0) {
                routed = stages.get(i).domains.size() - stages.get(i).own.size() + c - 1;
                break;
            }
        }
        double[] p = new double[domains.size()];
        p[0] = 1.0;
        int known = 1;
        for (double[] qs : q) {
            for (int k = 0; k < known; k++) {
                p[k] *= qs[0];
            }
            for (int c = 1; c < qs.length; c++) {
                p[known + c - 1] = qs[c];
            }
            known += qs.length - 1;
        }
        return new Decision(routed, p);
    }

    private void requireLength(float[] features) {
        if (features.length != this.features) {
            throw new IllegalArgumentException(
                    features.length + " features; the router was fitted on " + this.features);
        }
    }

    /** What a served version needs to route: each stage's standardisation and network weights, first stage first. */
    public Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put(
                "model",
                "a cascade of stages, newest first: a stage reads the first `features` values of x = the image's "
                        + RoutingFeatures.THUMB + "x" + RoutingFeatures.THUMB
                        + " thumbnail per channel, then every adapter's image embedding"
                        + " (in the order of domains); h = relu(w1 . ((x - mean) * scale) + b1); p = softmax(w2 . h + "
                        + "b2) over"
                        + " [an earlier domain, then the stage's domains] (b2 includes prior_shift); the image goes "
                        + "to the stage's"
                        + " most probable domain, or on to the stage before when that is 'an earlier domain'; the "
                        + "first stage's"
                        + " single domain takes what reaches it");
        out.put("domains", domains);
        List<Map<String, Object>> stages = new ArrayList<>();
        for (DomainRouter s = this; s != null; s = s.earlier) {
            Map<String, Object> st = new LinkedHashMap<>();
            st.put("domains", s.own);
            st.put("features", s.features);
            if (s.net != null) {
                st.put("prior_shift", s.priorShift);
                st.put("mean", s.net.mean.clone());
                st.put("scale", s.net.scale.clone());
                st.put("w1", s.net.w1);
                st.put("b1", s.net.b1);
                st.put("w2", s.net.w2);
                st.put("b2", s.net.b2);
            }
            stages.add(0, st);
        }
        out.put("stages", stages);
        return out;
    }

    /**
     * The router {@link #describe()} wrote, read back: from the map itself or from its JSON form (numbers in lists), so
     * that a served or resumed version routes exactly as the one that was gated.
     *
     * @throws IllegalArgumentException when the description is not one of a router of this kind
     */
    public static DomainRouter restore(Map<String, ?> described) {
        if (!(described.get("stages") instanceof List<?> stages) || stages.isEmpty()) {
            throw new IllegalArgumentException("a router description holds its stages, first stage first");
        }
        DomainRouter r = null;
        for (Object o : stages) {
            if (!(o instanceof Map<?, ?> st)) {
                throw new IllegalArgumentException("a stage is an object");
            }
            List<String> own = strings(st.get("domains"));
            int features = ((Number) st.get("features")).intValue();
            if (r == null) {
                if (own.size() != 1 || st.containsKey("w1")) {
                    throw new IllegalArgumentException("the first stage is one domain and no network");
                }
                r = new DomainRouter(null, own, features, null, 0);
                continue;
            }
            Network net = new Network(
                    vector(st.get("mean")),
                    vector(st.get("scale")),
                    matrix(st.get("w1")),
                    vector(st.get("b1")),
                    matrix(st.get("w2")),
                    vector(st.get("b2")));
            if (net.mean.length != features || net.w2.length != own.size() + 1) {
                throw new IllegalArgumentException(
                        "stage " + own + ": " + net.mean.length + " features and " + net.w2.length
                                + " classes do not fit " + features + " features and " + (own.size() + 1) + " classes");
            }
            r = new DomainRouter(r, own, features, net, ((Number) st.get("prior_shift")).doubleValue());
        }
        if (described.get("domains") instanceof List<?> all && !strings(all).equals(r.domains)) {
            throw new IllegalArgumentException("the stages route " + r.domains + ", the description names " + all);
        }
        return r;
    }

    private static List<String> strings(Object o) {
        if (!(o instanceof List<?> l) || l.isEmpty()) {
            throw new IllegalArgumentException("domains: a non-empty list expected");
        }
        return l.stream().map(x -> (String) x).toList();
    }

    private static double[] vector(Object o) {
        if (o instanceof double[] d) {
            return d.clone();
        }
        if (!(o instanceof List<?> l)) {
            throw new IllegalArgumentException("a vector of numbers expected");
        }
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    private static double[][] matrix(Object o) {
        if (o instanceof double[][] d) {
            double[][] out = new double[d.length][];
            for (int i = 0; i < d.length; i++) {
                out[i] = d[i].clone();
            }
            return out;
        }
        if (!(o instanceof List<?> rows)) {
            throw new IllegalArgumentException("a matrix of numbers expected");
        }
        double[][] out = new double[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = vector(rows.get(i));
        }
        return out;
    }

    /** One stage's classifier over the first {@code dim} features of an image. */
    private static final class Network {
        private final double[] mean;
        private final double[] scale;
        /** [hidden][feature], [hidden], [class][hidden], [class] */
        private final double[][] w1;

        private final double[] b1;
        private final double[][] w2;
        private final double[] b2;

        Network(List<float[]> x, List<Integer> y, int classes, int dim) {
            mean = new double[dim];
            scale = new double[dim];
            for (float[] v : x) {
                for (int j = 0; j < dim; j++) {
                    mean[j] += v[j] / x.size();
                }
            }
            for (float[] v : x) {
                for (int j = 0; j < dim; j++) {
                    scale[j] += (v[j] - mean[j]) * (v[j] - mean[j]) / x.size();
                }
            }
            for (int j = 0; j < dim; j++) {
                scale[j] = scale[j] > 1e-12 ? 1 / Math.sqrt(scale[j]) : 0;
            }
            Random rnd = new Random(SEED);
            w1 = new double[HIDDEN][dim];
            b1 = new double[HIDDEN];
            w2 = new double[classes][HIDDEN];
            b2 = new double[classes];
            for (double[] row : w1) {
                for (int j = 0; j < dim; j++) {
                    row[j] = rnd.nextGaussian() * Math.sqrt(2.0 / dim);
                }
            }
            for (double[] row : w2) {
                for (int j = 0; j < HIDDEN; j++) {
                    row[j] = rnd.nextGaussian() * Math.sqrt(1.0 / HIDDEN);
                }
            }
            fit(x.stream().map(this::standardised).toList(), y, rnd);
        }

        /** A network as {@link DomainRouter#describe()} wrote it. */
        Network(double[] mean, double[] scale, double[][] w1, double[] b1, double[][] w2, double[] b2) {
            if (w1.length != HIDDEN
                    || b1.length != HIDDEN
                    || scale.length != mean.length
                    || b2.length != w2.length
                    || java.util.Arrays.stream(w1).anyMatch(row -> row.length != mean.length)
                    || java.util.Arrays.stream(w2).anyMatch(row -> row.length != HIDDEN)) {
                throw new IllegalArgumentException(
                        "a stage's weights are not of a " + HIDDEN + "-unit network over " + mean.length + " features");
            }
            this.mean = mean;
            this.scale = scale;
            this.w1 = w1;
            this.b1 = b1;
            this.w2 = w2;
            this.b2 = b2;
        }

        double[] probabilities(float[] features) {
            double[] z = logits(features);
            double max = Double.NEGATIVE_INFINITY;
            for (double v : z) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (int k = 0; k < z.length; k++) {
                sum += z[k] = Math.exp(z[k] - max);
            }
            for (int k = 0; k < z.length; k++) {
                z[k] /= sum;
            }
            return z;
        }

        double[] logits(float[] features) {
            return logits(standardised(features), new double[HIDDEN]);
        }

        /** The first {@code mean.length} features, standardised. */
        private double[] standardised(float[] v) {
            double[] f = new double[mean.length];
            for (int j = 0; j < mean.length; j++) {
                f[j] = (v[j] - mean[j]) * scale[j];
            }
            return f;
        }

        /** The classes' logits; {@code h} receives the hidden activations. */
        private double[] logits(double[] x, double[] h) {
            for (int u = 0; u < HIDDEN; u++) {
                double a = b1[u];
                double[] w = w1[u];
                for (int j = 0; j < x.length; j++) {
                    a += w[j] * x[j];
                }
                h[u] = Math.max(0, a);
            }
            double[] z = new double[w2.length];
            for (int k = 0; k < z.length; k++) {
                double a = b2[k];
                for (int u = 0; u < HIDDEN; u++) {
                    a += w2[k][u] * h[u];
                }
                z[k] = a;
            }
            return z;
        }

        /** Cross-entropy, Adam on shuffled mini-batches. */
        private void fit(List<double[]> x, List<Integer> y, Random rnd) {
            Adam a1 = new Adam(w1), a2 = new Adam(w2);
            Adam c1 = new Adam(new double[][] {b1}), c2 = new Adam(new double[][] {b2});
            int dim = mean.length;
            int classes = w2.length;
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < x.size(); i++) {
                order.add(i);
            }
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
                        for (double v : z) {
                            max = Math.max(max, v);
                        }
                        double sum = 0;
                        for (int k = 0; k < classes; k++) {
                            sum += z[k] = Math.exp(z[k] - max);
                        }
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
                            if (h[u] <= 0) {
                                continue;
                            }
                            gb1[u] += dh[u];
                            double[] g = g1[u];
                            for (int j = 0; j < dim; j++) {
                                g[j] += dh[u] * xi[j];
                            }
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
