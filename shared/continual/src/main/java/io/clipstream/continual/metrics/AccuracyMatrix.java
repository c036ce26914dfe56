package io.clipstream.continual.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accuracy matrix of a continual run: {@code a[i][j]} = accuracy on domain j after increment i, where increment i
 * learned domain i (row 0 = the base model trained on domain 0). Values are fractions in [0,1].
 * <ul>
 * <li>ACC = mean over all domains of the final row, a[T][j];</li>
 * <li>BWT = mean over earlier domains j &lt; T of a[T][j] - a[j][j] (negative = forgetting);</li>
 * <li>gain(i) = a[i][i] - a[i-1][i] (what increment i added on its own domain);</li>
 * <li>forgetting (Chaudhry et al. 2018, as GEM's successors and Avalanche's {@code StreamForgetting} report it) = mean
 * over earlier domains j &lt; T of the best accuracy the domain ever had before the end minus its final one,
 * max<sub>j&le;l&lt;T</sub> a[l][j] - a[T][j] (positive = forgotten; unlike BWT, a domain that was learned, lost and
 * partly regained counts what it lost from its best).</li>
 * </ul>
 */
public final class AccuracyMatrix {
    private final List<String> domains;
    private final double[][] a;
    private int rows;

    public AccuracyMatrix(List<String> domains) {
        this.domains = List.copyOf(domains);
        this.a = new double[domains.size()][domains.size()];
        for (double[] r : a) {
            Arrays.fill(r, Double.NaN);
        }
    }

    /** Records the accuracies on every domain after increment {@code i} (rows must be added in order). */
    public void setRow(int i, double[] accuracies) {
        if (accuracies.length != domains.size()) {
            throw new IllegalArgumentException("need one accuracy per domain");
        }
        if (i != rows && i != rows - 1) {
            throw new IllegalArgumentException("rows must be set in order; next is " + rows);
        }
        for (double v : accuracies) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("accuracy out of [0,1]: " + v);
            }
        }
        a[i] = accuracies.clone();
        rows = Math.max(rows, i + 1);
    }

    public int rows() {
        return rows;
    }

    public List<String> domains() {
        return domains;
    }

    public double get(int i, int j) {
        return a[i][j];
    }

    public double[][] values() {
        double[][] out = new double[rows][];
        for (int i = 0; i < rows; i++) {
            out[i] = a[i].clone();
        }
        return out;
    }

    private int last() {
        if (rows == 0) {
            throw new IllegalStateException("empty matrix");
        }
        return rows - 1;
    }

    /** Mean accuracy over all domains after the last recorded increment. */
    public double acc() {
        double[] r = a[last()];
        return Arrays.stream(r).average().orElse(Double.NaN);
    }

    /**
     * Mean over domains seen so far (0..T) of the final accuracy — the usual ACC when not all domains are learned yet.
     */
    public double accSeen() {
        int t = last();
        double s = 0;
        for (int j = 0; j <= t; j++) {
            s += a[t][j];
        }
        return s / (t + 1);
    }

    /** Backward transfer; 0 when there is no earlier domain. */
    public double bwt() {
        int t = last();
        if (t == 0) {
            return 0;
        }
        double s = 0;
        for (int j = 0; j < t; j++) {
            s += a[t][j] - a[j][j];
        }
        return s / t;
    }

    /** Forgetting as defined above; 0 when there is no earlier domain. */
    public double forgetting() {
        int t = last();
        if (t == 0) {
            return 0;
        }
        double s = 0;
        for (int j = 0; j < t; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int l = j; l < t; l++) {
                best = Math.max(best, a[l][j]);
            }
            s += best - a[t][j];
        }
        return s / t;
    }

    public double gain(int i) {
        if (i <= 0 || i >= rows) {
            throw new IllegalArgumentException("gain is defined for increments 1.." + (rows - 1));
        }
        return a[i][i] - a[i - 1][i];
    }

    public List<Double> gains() {
        List<Double> g = new ArrayList<>();
        for (int i = 1; i < rows; i++) {
            g.add(gain(i));
        }
        return g;
    }

    /** Markdown table, percentages with one decimal. */
    public String toMarkdown(String title) {
        StringBuilder sb = new StringBuilder();
        if (title != null) {
            sb.append("**").append(title).append("**\n\n");
        }
        sb.append("| after \\ on |");
        for (String d : domains) {
            sb.append(' ').append(d).append(" |");
        }
        sb.append('\n').append("|---|");
        sb.append("---:|".repeat(domains.size())).append('\n');
        for (int i = 0; i < rows; i++) {
            sb.append("| ")
                    .append(i == 0 ? "base (" + domains.get(0) + ")" : "+" + domains.get(i))
                    .append(" |");
            for (int j = 0; j < domains.size(); j++) {
                sb.append(String.format(" %.1f |", 100 * a[i][j]));
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
