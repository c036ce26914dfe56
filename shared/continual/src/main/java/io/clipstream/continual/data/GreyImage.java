package io.clipstream.continual.data;

import java.util.Arrays;

/** A single-channel image, row-major, values in [0,1]. Immutable by convention (never mutate {@link #pixels()}). */
public record GreyImage(int width, int height, float[] pixels) {
    public GreyImage {
        if (width <= 0 || height <= 0 || pixels.length != width * height) {
            throw new IllegalArgumentException("bad image shape " + width + "x" + height + " for " + pixels.length + " pixels");
        }
    }

    public float at(int x, int y) {
        return pixels[y * width + x];
    }

    /** From unsigned bytes (0..255). */
    public static GreyImage ofBytes(int width, int height, byte[] data, int offset) {
        float[] p = new float[width * height];
        for (int i = 0; i < p.length; i++) {
            p[i] = (data[offset + i] & 0xff) / 255f;
        }
        return new GreyImage(width, height, p);
    }

    public double mean() {
        double s = 0;
        for (float v : pixels) s += v;
        return s / pixels.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GreyImage g && g.width == width && g.height == height && Arrays.equals(g.pixels, pixels);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(pixels);
    }

    @Override
    public String toString() {
        return "GreyImage[" + width + "x" + height + "]";
    }
}
