package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.clipstream.clip.preprocess.ImagePreprocessor;
import io.clipstream.continual.data.PixelImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Engine images (values in [0,1], after domain transform and augmentation) to CLIP pixel tensors through
 * shared/clip's own preprocessing (resize + centre crop to the model's size, grey to RGB, CLIP mean/std), so the
 * engine feeds the model exactly what inference on a stored image would.
 */
public final class PixelBatch {
    private PixelBatch() {}

    public static float[] toChw(ImagePreprocessor pre, PixelImage img) {
        return pre.fromRgb(img.rgb255(), img.width(), img.height());
    }

    public static List<float[]> toChw(ImagePreprocessor pre, List<PixelImage> images) {
        List<float[]> out = new ArrayList<>(images.size());
        for (PixelImage g : images) {
            out.add(toChw(pre, g));
        }
        return out;
    }

    /** {@code float32 [B,3,S,S]} owned by {@code manager}. */
    public static NDArray create(NDManager manager, ImagePreprocessor pre, List<PixelImage> images) {
        return pre.toBatch(manager, toChw(pre, images));
    }
}
