package io.clipstream.continual.metrics;

/**
 * Recall@K for paired retrieval given a similarity matrix {@code sims[i][j]} = sim(image i, text j), where image i
 * and text i form a pair. A query counts as a hit when its partner ranks within the top K (ties resolved in the
 * partner's favour). With {@code labels}, a hit is any top-K item of the same label (class-aware recall), which is
 * the meaningful variant when many captions are identical (e.g. class-name captions).
 */
public final class Retrieval {
    private Retrieval() {}

    public static double imageToText(float[][] sims, int k, int[] labels) {
        int n = sims.length;
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (hit(sims[i], i, k, labels)) {
                hits++;
            }
        }
        return n == 0 ? 0 : (double) hits / n;
    }

    public static double textToImage(float[][] sims, int k, int[] labels) {
        int n = sims.length;
        int hits = 0;
        float[] col = new float[n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                col[i] = sims[i][j];
            }
            if (hit(col, j, k, labels)) {
                hits++;
            }
        }
        return n == 0 ? 0 : (double) hits / n;
    }

    private static boolean hit(float[] row, int target, int k, int[] labels) {
        if (Float.isNaN(row[target])) {
            return false;
        } // a broken model finds nothing
        if (labels == null) {
            float t = row[target];
            int notWorse = 0;
            for (int j = 0; j < row.length; j++) {
                if (j != target && row[j] >= t) {
                    notWorse++;
                }
            }
            return notWorse < k;
        }
        // top-k by value, then check any with the same label
        boolean[] taken = new boolean[row.length];
        for (int r = 0; r < Math.min(k, row.length); r++) {
            int best = -1;
            for (int j = 0; j < row.length; j++) {
                if (!taken[j] && (best < 0 || row[j] > row[best] || (row[j] == row[best] && best == target))) {
                    best = j;
                }
            }
            taken[best] = true;
            if (labels[best] == labels[target]) {
                return true;
            }
        }
        return false;
    }
}
