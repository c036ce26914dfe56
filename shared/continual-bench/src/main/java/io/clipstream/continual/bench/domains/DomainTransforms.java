package io.clipstream.continual.bench.domains;

import io.clipstream.continual.data.PixelImage;

/** Pure image transforms that define the benchmark domains. */
public final class DomainTransforms {
    /** Sobel magnitude (normalised to the image's max) above which a pixel becomes an edge. */
    public static final float SKETCH_THRESHOLD = 0.2f;

    private DomainTransforms() {}

    public static PixelImage invert(PixelImage img) {
        float[] p = img.values();
        float[] o = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            o[i] = 1f - p[i];
        }
        return PixelImage.grey(img.width(), img.height(), o);
    }

    /** Rotates 90 degrees clockwise: output(x, y) = input(y, H-1-x); output is H wide and W high. */
    public static PixelImage rotate90(PixelImage img) {
        int w = img.width();
        int h = img.height();
        float[] p = img.values();
        float[] o = new float[p.length];
        int ow = h;
        for (int y = 0; y < w; y++) {
            for (int x = 0; x < ow; x++) {
                o[y * ow + x] = p[(h - 1 - x) * w + y];
            }
        }
        return PixelImage.grey(ow, w, o);
    }

    /** Sobel gradient magnitude, normalised by its maximum (all-zero image stays zero). */
    public static float[] sobelMagnitude(PixelImage img) {
        int w = img.width();
        int h = img.height();
        float[] m = new float[w * h];
        float max = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float a = px(img, x - 1, y - 1), b = px(img, x, y - 1), c = px(img, x + 1, y - 1);
                float d = px(img, x - 1, y), f = px(img, x + 1, y);
                float g = px(img, x - 1, y + 1), k = px(img, x, y + 1), l = px(img, x + 1, y + 1);
                float gx = (c + 2 * f + l) - (a + 2 * d + g);
                float gy = (g + 2 * k + l) - (a + 2 * b + c);
                float v = (float) Math.sqrt(gx * gx + gy * gy);
                m[y * w + x] = v;
                max = Math.max(max, v);
            }
        }
        if (max > 0) {
            for (int i = 0; i < m.length; i++) {
                m[i] /= max;
            }
        }
        return m;
    }

    /** Edge-map "sketch": thresholded Sobel magnitude, white edges (1) on black (0). */
    public static PixelImage sketch(PixelImage img, float threshold) {
        float[] m = sobelMagnitude(img);
        float[] o = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            o[i] = m[i] > threshold ? 1f : 0f;
        }
        return PixelImage.grey(img.width(), img.height(), o);
    }

    private static float px(PixelImage img, int x, int y) {
        // replicate border
        x = Math.max(0, Math.min(img.width() - 1, x));
        y = Math.max(0, Math.min(img.height() - 1, y));
        return img.at(x, y);
    }
}
