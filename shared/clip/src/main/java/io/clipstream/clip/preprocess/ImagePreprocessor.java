package io.clipstream.clip.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * CLIP's image preprocessing (HF {@code CLIPImageProcessor}): convert to RGB (grey replicated to
 * 3 channels), resize the shortest side to {@code size} with bicubic resampling, centre-crop
 * {@code size x size}, scale to [0, 1], normalise with CLIP's mean/std, channels first.
 */
public final class ImagePreprocessor {

    /** CLIP's per-channel mean (RGB). */
    public static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};

    /** CLIP's per-channel standard deviation (RGB). */
    public static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

    private final int size;

    /** @param size the model's image_size (shortest side and crop) */
    public ImagePreprocessor(int size) {
        this.size = size;
    }

    /** @return the output side */
    public int size() {
        return size;
    }

    /**
     * @param image any AWT image (alpha ignored; single-band grey images use their raw sample
     *     values, as Pillow does, not AWT's gamma-converted RGB)
     * @return CHW floats [3 * size * size]
     */
    public float[] preprocess(BufferedImage image) {
        byte[] grey = greyBytes(image);
        return grey != null
                ? preprocessGrey(grey, image.getWidth(), image.getHeight())
                : fromRgb(rgb(image), image.getWidth(), image.getHeight());
    }

    /**
     * The raw 8-bit samples of a single-band grey image, as Pillow reads them (not AWT's gamma-converted RGB;
     * deeper samples keep their top 8 bits); null for any other image.
     *
     * @param image any AWT image
     * @return row-major grey bytes, or null
     */
    public static byte[] greyBytes(BufferedImage image) {
        if (image.getRaster().getNumBands() != 1 || image.getColorModel().getNumComponents() != 1) {
            return null;
        }
        int bits = image.getColorModel().getComponentSize(0);
        int[] samples = image.getRaster().getSamples(0, 0, image.getWidth(), image.getHeight(), 0, (int[]) null);
        byte[] grey = new byte[samples.length];
        for (int i = 0; i < samples.length; i++) {
            grey[i] = (byte) (bits > 8 ? samples[i] >> (bits - 8) : samples[i]);
        }
        return grey;
    }

    /**
     * @param image any AWT image (alpha ignored)
     * @return interleaved RGB values 0..255, [h][w][3]
     */
    public static float[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int[] argb = image.getRGB(0, 0, w, image.getHeight(), null, 0, w);
        float[] rgb = new float[argb.length * 3];
        for (int i = 0; i < argb.length; i++) {
            rgb[3 * i] = (argb[i] >> 16) & 0xff;
            rgb[3 * i + 1] = (argb[i] >> 8) & 0xff;
            rgb[3 * i + 2] = argb[i] & 0xff;
        }
        return rgb;
    }

    /**
     * @param grey 8-bit grey pixels, row-major [h][w] (e.g. Fashion-MNIST)
     * @param w width
     * @param h height
     * @return CHW floats [3 * size * size]
     */
    public float[] preprocessGrey(byte[] grey, int w, int h) {
        float[] g = new float[w * h];
        for (int i = 0; i < g.length; i++) {
            g[i] = grey[i] & 0xff;
        }
        float[] resized = resizeAndCrop(g, w, h, 1);
        float[] out = new float[3 * size * size];
        int n = size * size;
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < n; i++) {
                out[c * n + i] = (resized[i] / 255f - CLIP_MEAN[c]) / CLIP_STD[c];
            }
        }
        return out;
    }

    /**
     * @param rgb interleaved RGB values 0..255, [h][w][3]
     * @param w width
     * @param h height
     * @return CHW floats [3 * size * size]
     */
    public float[] fromRgb(float[] rgb, int w, int h) {
        float[] resized = resizeAndCrop(rgb, w, h, 3);
        float[] out = new float[3 * size * size];
        int n = size * size;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 3; c++) {
                out[c * n + i] = (resized[3 * i + c] / 255f - CLIP_MEAN[c]) / CLIP_STD[c];
            }
        }
        return out;
    }

    private float[] resizeAndCrop(float[] px, int w, int h, int c) {
        int rw;
        int rh;
        if (w <= h) {
            rw = size;
            rh = (int) ((long) size * h / w);
        } else {
            rh = size;
            rw = (int) ((long) size * w / h);
        }
        float[] r = (rw == w && rh == h) ? px : BicubicResize.resize(px, w, h, c, rw, rh);
        int top = (rh - size) / 2;
        int left = (rw - size) / 2;
        if (top == 0 && left == 0 && rw == size && rh == size) {
            return r;
        }
        float[] out = new float[size * size * c];
        for (int y = 0; y < size; y++) {
            System.arraycopy(r, ((y + top) * rw + left) * c, out, y * size * c, size * c);
        }
        return out;
    }

    /**
     * Stacks preprocessed images.
     *
     * @param manager owner
     * @param chw images from the preprocess methods
     * @return float32 [N, 3, size, size]
     */
    public NDArray toBatch(NDManager manager, List<float[]> chw) {
        int per = 3 * size * size;
        float[] flat = new float[chw.size() * per];
        for (int i = 0; i < chw.size(); i++) {
            if (chw.get(i).length != per) {
                throw new IllegalArgumentException(
                        "image " + i + " has " + chw.get(i).length + " values, expected " + per);
            }
            System.arraycopy(chw.get(i), 0, flat, i * per, per);
        }
        return manager.create(flat, new Shape(chw.size(), 3, size, size));
    }
}
