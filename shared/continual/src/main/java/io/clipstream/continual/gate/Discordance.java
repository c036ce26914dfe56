package io.clipstream.continual.gate;

/**
 * The discordant pairs of two models classified on the same samples, what McNemar's test reads: how many only the
 * baseline gets right and how many only the candidate does (samples both get right or both get wrong say nothing
 * about which is better). With b + c discordant samples, z = (c - b) / sqrt(b + c) is approximately standard normal
 * when the two models are equally good.
 *
 * @param baselineOnly  right under the baseline, wrong under the candidate (b)
 * @param candidateOnly right under the candidate, wrong under the baseline (c)
 */
public record Discordance(int baselineOnly, int candidateOnly) {
    public Discordance {
        if (baselineOnly < 0 || candidateOnly < 0) {
            throw new IllegalArgumentException("counts >= 0");
        }
    }

    /** The counts of two hit vectors over the same samples, in the same order. */
    public static Discordance of(boolean[] baseline, boolean[] candidate) {
        if (baseline.length != candidate.length) {
            throw new IllegalArgumentException(
                    "a paired test needs the same samples: " + baseline.length + " vs " + candidate.length);
        }
        int b = 0;
        int c = 0;
        for (int i = 0; i < baseline.length; i++) {
            if (baseline[i] && !candidate[i]) {
                b++;
            }
            if (candidate[i] && !baseline[i]) {
                c++;
            }
        }
        return new Discordance(b, c);
    }

    /** McNemar's z of the candidate being better (positive) or worse (negative); 0 without discordant samples. */
    public double z() {
        int n = baselineOnly + candidateOnly;
        return n == 0 ? 0 : (candidateOnly - baselineOnly) / Math.sqrt(n);
    }
}
