package io.clipstream.curator.image;

import java.awt.image.BufferedImage;

/**
 * A greyscale raster (luma 0..255 as doubles, row-major) - the form every image measure works on.
 * Transparent pixels are composited over white, so an empty transparent PNG reads as blank.
 */
public record GreyImage(int width, int height, double[] pixels) {

    public GreyImage {
        if (width < 1 || height < 1 || pixels.length != width * height) {
            throw new IllegalArgumentException("bad raster " + width + "x" + height);
        }
    }

    public static GreyImage of(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        double[] px = new double[w * h];
        for (int i = 0; i < px.length; i++) {
            int c = argb[i];
            double a = ((c >>> 24) & 0xff) / 255.0;
            double luma = 0.299 * ((c >> 16) & 0xff) + 0.587 * ((c >> 8) & 0xff) + 0.114 * (c & 0xff);
            px[i] = a * luma + (1 - a) * 255.0;
        }
        return new GreyImage(w, h, px);
    }

    public double at(int x, int y) {
        return pixels[y * width + x];
    }

    /**
     * The image as an EXIF orientation (1-8, TIFF tag 274) says it is displayed: 2 mirrors, 3 turns
     * 180 degrees, 6 turns 90 degrees clockwise, 8 counter-clockwise, 5 and 7 transpose; anything else
     * leaves it as it is.
     */
    public GreyImage oriented(int orientation) {
        if (orientation < 2 || orientation > 8) {
            return this;
        }
        boolean swap = orientation >= 5;
        int w = swap ? height : width;
        int h = swap ? width : height;
        double[] out = new double[pixels.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = width - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = width - 1 - x;
                        sy = height - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = height - 1 - y;
                    }
                    case 5 -> {
                        sx = y;
                        sy = x;
                    }
                    case 6 -> {
                        sx = y;
                        sy = height - 1 - x;
                    }
                    case 7 -> {
                        sx = width - 1 - y;
                        sy = height - 1 - x;
                    }
                    default -> {
                        sx = width - 1 - y;
                        sy = x;
                    } // 8
                }
                out[y * w + x] = pixels[sy * width + sx];
            }
        }
        return new GreyImage(w, h, out);
    }

    /** Shrinks (area average) so that the longer side is at most {@code maxSide}; never enlarges. */
    public GreyImage fitWithin(int maxSide) {
        int longer = Math.max(width, height);
        if (longer <= maxSide) {
            return this;
        }
        double scale = (double) maxSide / longer;
        return resize(Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale)));
    }

    /**
     * Box-filter resampling: each target pixel is the area-weighted mean of the source pixels its
     * footprint covers (exact for shrinking, piecewise-constant with blended seams for enlarging).
     */
    public GreyImage resize(int newWidth, int newHeight) {
        double[] rows = new double[newWidth * height];
        for (int y = 0; y < height; y++) {
            resample(pixels, y * width, 1, width, rows, y * newWidth, 1, newWidth);
        }
        double[] out = new double[newWidth * newHeight];
        for (int x = 0; x < newWidth; x++) {
            resample(rows, x, newWidth, height, out, x, newWidth, newHeight);
        }
        return new GreyImage(newWidth, newHeight, out);
    }

    private static void resample(
            double[] src,
            int srcStart,
            int srcStride,
            int srcLen,
            double[] dst,
            int dstStart,
            int dstStride,
            int dstLen) {
        double step = (double) srcLen / dstLen;
        for (int i = 0; i < dstLen; i++) {
            double from = i * step;
            double to = from + step;
            double sum = 0;
            int first = (int) Math.floor(from);
            int last = Math.min(srcLen - 1, (int) Math.ceil(to) - 1);
            for (int j = first; j <= last; j++) {
                double overlap = Math.min(to, j + 1) - Math.max(from, j);
                if (overlap > 0) {
                    sum += overlap * src[srcStart + j * srcStride];
                }
            }
            dst[dstStart + i * dstStride] = sum / step;
        }
    }

    /**
     * Variance of the 4-neighbour Laplacian over the interior pixels (OpenCV's
     * {@code Laplacian(ksize=1).var()}): near 0 for blank or blurred images, hundreds and more for
     * sharp ones. 0 for rasters smaller than 3x3.
     */
    public double laplacianVariance() {
        if (width < 3 || height < 3) {
            return 0;
        }
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        for (int y = 1; y < height - 1; y++) {
            int row = y * width;
            for (int x = 1; x < width - 1; x++) {
                int i = row + x;
                double l = pixels[i - 1] + pixels[i + 1] + pixels[i - width] + pixels[i + width] - 4 * pixels[i];
                sum += l;
                sumSq += l * l;
                n++;
            }
        }
        double mean = sum / n;
        return Math.max(0, sumSq / n - mean * mean);
    }
}
