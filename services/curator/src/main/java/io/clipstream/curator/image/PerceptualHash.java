package io.clipstream.curator.image;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * 64-bit DCT perceptual hash (pHash, as Python's {@code imagehash.phash}): the greyscale image is
 * box-resampled to 32x32, a 2-D DCT-II taken, and each of the 8x8 lowest-frequency coefficients
 * becomes one bit: 1 when above their median. Re-encoding, rescaling or touching a few pixels moves
 * only a few bits; different images differ in about half of them.
 */
public final class PerceptualHash {
    private static final int N = 32;
    private static final int K = 8;
    private static final double[][] COS = new double[K][N];

    static {
        for (int u = 0; u < K; u++) {
            for (int x = 0; x < N; x++) {
                COS[u][x] = Math.cos((2 * x + 1) * u * Math.PI / (2 * N));
            }
        }
    }

    private PerceptualHash() {}

    public static long of(GreyImage image) {
        GreyImage small = image.resize(N, N);
        double[] px = small.pixels();
        // rows first: tmp[y][u] = sum_x px[y][x] cos(u, x)
        double[][] tmp = new double[N][K];
        for (int y = 0; y < N; y++) {
            for (int u = 0; u < K; u++) {
                double s = 0;
                for (int x = 0; x < N; x++) {
                    s += px[y * N + x] * COS[u][x];
                }
                tmp[y][u] = s;
            }
        }
        double[] low = new double[K * K];
        for (int v = 0; v < K; v++) {
            for (int u = 0; u < K; u++) {
                double s = 0;
                for (int y = 0; y < N; y++) {
                    s += tmp[y][u] * COS[v][y];
                }
                low[v * K + u] = s;
            }
        }
        double[] sorted = low.clone();
        Arrays.sort(sorted);
        double median = (sorted[31] + sorted[32]) / 2;
        long hash = 0;
        for (double c : low) {
            hash = (hash << 1) | (c > median ? 1 : 0);
        }
        return hash;
    }

    public static int hammingDistance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    /** 16 lower-case hex digits, as {@code PairCurated.perceptualHash}. */
    public static String toHex(long hash) {
        return HexFormat.of().toHexDigits(hash);
    }

    public static long fromHex(String hex) {
        return HexFormat.fromHexDigitsToLong(hex);
    }
}
