package io.clipstream.continual.augment;

import io.clipstream.continual.data.PixelImage;
import java.util.Random;

/**
 * Image augmentation for training pairs: random resized crop (bilinear, back to the input size), horizontal flip,
 * brightness / contrast jitter. Pure functions of (image, Random).
 */
public record ImageAugmenter(
        double minScale,
        double maxScale,
        double minRatio,
        double maxRatio,
        double flipProbability,
        double brightness,
        double contrast) {

    /** torchvision-like defaults, milder scale range (small images lose their object in a 0.08 crop). */
    public static ImageAugmenter defaults() {
        return new ImageAugmenter(0.6, 1.0, 3.0 / 4, 4.0 / 3, 0.5, 0.2, 0.2);
    }

    public static ImageAugmenter none() {
        return new ImageAugmenter(1, 1, 1, 1, 0, 0, 0);
    }

    /** The same without the horizontal flip: for a domain that a mirror image would leave (a rotated one). */
    public ImageAugmenter withoutFlip() {
        return new ImageAugmenter(minScale, maxScale, minRatio, maxRatio, 0, brightness, contrast);
    }

    public PixelImage apply(PixelImage img, Random rnd) {
        PixelImage out = randomResizedCrop(img, rnd, minScale, maxScale, minRatio, maxRatio);
        if (rnd.nextDouble() < flipProbability) {
            out = hflip(out);
        }
        if (brightness > 0 || contrast > 0) {
            double b = 1 + (rnd.nextDouble() * 2 - 1) * brightness;
            double c = 1 + (rnd.nextDouble() * 2 - 1) * contrast;
            out = jitter(out, b, c);
        }
        return out;
    }

    public static PixelImage hflip(PixelImage img) {
        int w = img.width();
        int c = img.channels();
        float[] p = img.values();
        float[] o = new float[p.length];
        for (int y = 0; y < img.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(p, (y * w + (w - 1 - x)) * c, o, (y * w + x) * c, c);
            }
        }
        return new PixelImage(w, img.height(), c, o);
    }

    /** Brightness multiplies, contrast scales around the image mean; result clamped to [0,1]. */
    public static PixelImage jitter(PixelImage img, double brightnessFactor, double contrastFactor) {
        float[] p = img.values();
        float[] o = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            o[i] = (float) (p[i] * brightnessFactor);
        }
        double mean = 0;
        for (float v : o) {
            mean += v;
        }
        mean /= o.length;
        for (int i = 0; i < o.length; i++) {
            o[i] = clamp01((float) ((o[i] - mean) * contrastFactor + mean));
        }
        return new PixelImage(img.width(), img.height(), img.channels(), o);
    }

    public static PixelImage randomResizedCrop(
            PixelImage img, Random rnd, double minScale, double maxScale, double minRatio, double maxRatio) {
        int w = img.width();
        int h = img.height();
        double area = (double) w * h;
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (minScale + rnd.nextDouble() * (maxScale - minScale));
            double logR = Math.log(minRatio) + rnd.nextDouble() * (Math.log(maxRatio) - Math.log(minRatio));
            double ratio = Math.exp(logR);
            int cw = (int) Math.round(Math.sqrt(target * ratio));
            int ch = (int) Math.round(Math.sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h) {
                int x0 = rnd.nextInt(w - cw + 1);
                int y0 = rnd.nextInt(h - ch + 1);
                return cropResize(img, x0, y0, cw, ch, w, h);
            }
        }
        return img; // fallback: whole image
    }

    /** Bilinear resize of the crop (x0,y0,cw,ch) to outW x outH (align_corners=false convention). */
    public static PixelImage cropResize(PixelImage img, int x0, int y0, int cw, int ch, int outW, int outH) {
        if (x0 == 0 && y0 == 0 && cw == img.width() && ch == img.height() && outW == cw && outH == ch) {
            return img;
        }
        int c = img.channels();
        float[] o = new float[outW * outH * c];
        double sx = (double) cw / outW;
        double sy = (double) ch / outH;
        for (int y = 0; y < outH; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int iy = (int) fy;
            int iy1 = Math.min(ch - 1, iy + 1);
            double dy = fy - iy;
            for (int x = 0; x < outW; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int ix = (int) fx;
                int ix1 = Math.min(cw - 1, ix + 1);
                double dx = fx - ix;
                for (int k = 0; k < c; k++) {
                    double v = (1 - dy) * ((1 - dx) * img.at(x0 + ix, y0 + iy, k) + dx * img.at(x0 + ix1, y0 + iy, k))
                            + dy * ((1 - dx) * img.at(x0 + ix, y0 + iy1, k) + dx * img.at(x0 + ix1, y0 + iy1, k));
                    o[(y * outW + x) * c + k] = (float) v;
                }
            }
        }
        return new PixelImage(outW, outH, c, o);
    }

    private static float clamp01(float v) {
        return v < 0 ? 0 : (v > 1 ? 1 : v);
    }
}
