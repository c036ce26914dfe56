package io.clipstream.continual.data;

import io.clipstream.clip.preprocess.ImagePreprocessor;
import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * An image the engine trains on: {@code channels} (1 = grey, 3 = RGB) interleaved values in [0,1], row-major.
 * Immutable by convention (never mutate {@link #values()}). Grey images stay one channel (the benchmark's 28 px
 * Fashion-MNIST), photos are RGB of any size; {@link io.clipstream.continual.train.PixelBatch} turns either into
 * the model's pixel tensor through shared/clip's preprocessing.
 */
public record PixelImage(int width, int height, int channels, float[] values) {
    public PixelImage {
        if (width <= 0
                || height <= 0
                || (channels != 1 && channels != 3)
                || values.length != (long) width * height * channels) {
            throw new IllegalArgumentException(
                    "bad image shape " + width + "x" + height + "x" + channels + " for " + values.length + " values");
        }
    }

    /** A grey image from row-major values in [0,1]. */
    public static PixelImage grey(int width, int height, float[] values) {
        return new PixelImage(width, height, 1, values);
    }

    /** A grey image from unsigned bytes (0..255). */
    public static PixelImage ofGreyBytes(int width, int height, byte[] data, int offset) {
        float[] p = new float[width * height];
        for (int i = 0; i < p.length; i++) {
            p[i] = (data[offset + i] & 0xff) / 255f;
        }
        return grey(width, height, p);
    }

    /**
     * A decoded image, read as shared/clip's preprocessor reads it ({@link ImagePreprocessor#greyBytes},
     * {@link ImagePreprocessor#rgb}): single-band grey rasters stay grey, everything else becomes RGB (alpha dropped).
     */
    public static PixelImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] grey = ImagePreprocessor.greyBytes(image);
        if (grey != null) {
            return ofGreyBytes(w, h, grey, 0);
        }
        float[] rgb = ImagePreprocessor.rgb(image);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] /= 255f;
        }
        return new PixelImage(w, h, 3, rgb);
    }

    /** Value of channel {@code c} at (x, y). */
    public float at(int x, int y, int c) {
        return values[(y * width + x) * channels + c];
    }

    /** Value at (x, y) of a grey image (channel 0 of any). */
    public float at(int x, int y) {
        return at(x, y, 0);
    }

    public double mean() {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return s / values.length;
    }

    /** This image as interleaved RGB values 0..255 (grey repeated), what shared/clip's preprocessor takes. */
    public float[] rgb255() {
        int n = width * height;
        float[] rgb = new float[3 * n];
        if (channels == 3) {
            for (int i = 0; i < rgb.length; i++) {
                rgb[i] = 255f * values[i];
            }
        } else {
            for (int i = 0; i < n; i++) {
                float v = 255f * values[i];
                rgb[3 * i] = v;
                rgb[3 * i + 1] = v;
                rgb[3 * i + 2] = v;
            }
        }
        return rgb;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelImage g
                && g.width == width
                && g.height == height
                && g.channels == channels
                && Arrays.equals(g.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * width + height) + channels) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "PixelImage[" + width + "x" + height + "x" + channels + "]";
    }
}
