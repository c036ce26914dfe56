package io.clipstream.continual.metrics;

import java.util.Arrays;

/**
 * Mean and 95 % confidence interval of one figure over runs with different seeds: Student's t interval,
 * {@code mean ± t(0.975, n-1) · s / sqrt(n)} with {@code s} the sample standard deviation. Undefined (NaN) for one
 * run.
 */
public record SeedInterval(double mean, double halfWidth, int n) {
    /** t(0.975, df) for df = 1..30; beyond, the normal quantile 1.96 is within 4 %. */
    private static final double[] T975 = {
        12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.3060, 2.2622, 2.2281, 2.2010, 2.1788, 2.1604, 2.1448,
        2.1314, 2.1199, 2.1098, 2.1009, 2.0930, 2.0860, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484,
        2.0452, 2.0423
    };

    public static SeedInterval of(double[] values) {
        int n = values.length;
        if (n == 0) {
            throw new IllegalArgumentException("no values");
        }
        double mean = Arrays.stream(values).average().orElseThrow();
        if (n == 1) {
            return new SeedInterval(mean, Double.NaN, 1);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(ss / (n - 1));
        double t = n - 1 <= T975.length ? T975[n - 2] : 1.96;
        return new SeedInterval(mean, t * sd / Math.sqrt(n), n);
    }

    public double low() {
        return mean - halfWidth;
    }

    public double high() {
        return mean + halfWidth;
    }

    /** "mean ± half-width", both times {@code scale} with one decimal (just the mean for one run). */
    public String format(double scale) {
        if (Double.isNaN(halfWidth)) {
            return String.format("%.1f", scale * mean);
        }
        return String.format("%.1f ± %.1f", scale * mean, scale * halfWidth);
    }

    /** As {@link #format} with a sign on the mean, for changes. */
    public String formatSigned(double scale) {
        if (Double.isNaN(halfWidth)) {
            return String.format("%+.1f", scale * mean);
        }
        return String.format("%+.1f ± %.1f", scale * mean, scale * halfWidth);
    }
}
