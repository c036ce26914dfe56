package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.continual.data.GreyImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Grey images (values in [0,1], after domain transform and augmentation) to CLIP pixel tensors through
 * shared/clip's own preprocessing (resize + centre crop to the model's size, grey to RGB, CLIP mean/std), so the
 * engine feeds the model exactly what inference on a stored image would.
 */
public final class PixelBatch {
    private PixelBatch() {}

    public static float[] toChw(ImagePreprocessor pre, GreyImage img) {
        float[] p = img.pixels();
        float[] rgb = new float[3 * p.length];
        for (int i = 0; i < p.length; i++) {
            float v = 255f * p[i];
            rgb[3 * i] = v;
            rgb[3 * i + 1] = v;
            rgb[3 * i + 2] = v;
        }
        return pre.fromRgb(rgb, img.width(), img.height());
    }

    public static List<float[]> toChw(ImagePreprocessor pre, List<GreyImage> images) {
        List<float[]> out = new ArrayList<>(images.size());
        for (GreyImage g : images) out.add(toChw(pre, g));
        return out;
    }

    /** {@code float32 [B,3,S,S]} owned by {@code manager}. */
    public static NDArray create(NDManager manager, ImagePreprocessor pre, List<GreyImage> images) {
        return pre.toBatch(manager, toChw(pre, images));
    }
}
