package io.clipstream.clip.preprocess;

/**
 * Separable bicubic resampling as Pillow's {@code Image.resize(..., BICUBIC)} does it (Keys cubic,
 * a = -0.5; the kernel widens when downscaling, i.e. antialiased; 8-bit rounding and clipping
 * after each pass), which is what Hugging Face's {@code CLIPImageProcessor} uses.
 */
public final class BicubicResize {

    private BicubicResize() {}

    private static double cubic(double x) {
        final double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /**
     * Resizes an interleaved 8-bit image.
     *
     * @param src pixel values 0..255, interleaved [h][w][channels]
     * @param w source width
     * @param h source height
     * @param channels channels
     * @param outW target width
     * @param outH target height
     * @return resized pixels 0..255 (integral values), interleaved
     */
    public static float[] resize(float[] src, int w, int h, int channels, int outW, int outH) {
        float[] horizontal = pass(src, w, h, channels, outW, true);
        return pass(horizontal, outW, h, channels, outH, false);
    }

    private static float[] pass(float[] src, int w, int h, int c, int out, boolean alongX) {
        int inSize = alongX ? w : h;
        double scale = (double) inSize / out;
        double filterScale = Math.max(scale, 1.0);
        double support = 2.0 * filterScale;
        int outW = alongX ? out : w;
        int outH = alongX ? h : out;
        float[] dst = new float[outW * outH * c];
        for (int o = 0; o < out; o++) {
            double center = (o + 0.5) * scale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize);
            double[] k = new double[xmax - xmin];
            double total = 0;
            for (int j = 0; j < k.length; j++) {
                k[j] = cubic((j + xmin - center + 0.5) / filterScale);
                total += k[j];
            }
            for (int j = 0; j < k.length; j++) {
                k[j] = total == 0 ? 0 : k[j] / total;
            }
            int lines = alongX ? h : w;
            for (int line = 0; line < lines; line++) {
                for (int ch = 0; ch < c; ch++) {
                    double acc = 0;
                    for (int j = 0; j < k.length; j++) {
                        int s = xmin + j;
                        int idx = alongX ? (line * w + s) * c + ch : (s * w + line) * c + ch;
                        acc += src[idx] * k[j];
                    }
                    float v = (float) Math.min(255, Math.max(0, Math.round(acc)));
                    int di = alongX ? (line * outW + o) * c + ch : (o * outW + line) * c + ch;
                    dst[di] = v;
                }
            }
        }
        return dst;
    }
}
