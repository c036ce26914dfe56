package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.clipstream.clip.ClipOutput;
import io.clipstream.clip.ScalarOps;

/**
 * The engine's contrastive objective. Without groups it is shared/clip's symmetric InfoNCE
 * ({@link io.clipstream.clip.ContrastiveLoss#symmetricInfoNce}). With {@code groups} (class ids) every pair in the
 * same group is a positive and the target is uniform over the positives (multi-positive InfoNCE): in a batch of 64
 * Fashion-MNIST pairs over 10 classes, ~6 captions per batch describe each image equally well, and the diagonal
 * target would push them apart. The logit scale is clamped to 100 as in CLIP's training.
 */
public final class ContrastiveLoss {
    public static final float MAX_LOGIT_SCALE = 100f;

    private ContrastiveLoss() {}

    public static NDArray clampedScale(ClipOutput o) {
        return o.logitScale().clip(0f, MAX_LOGIT_SCALE);
    }

    public static NDArray logits(ClipOutput o) {
        return o.imageEmbeds().matMul(o.textEmbeds().transpose()).mul(clampedScale(o));
    }

    /** Target matrix [B,B], rows sum to 1. */
    public static NDArray targets(NDManager m, int batch, int[] groups) {
        if (groups == null) {
            return m.eye(batch);
        }
        float[] t = new float[batch * batch];
        for (int i = 0; i < batch; i++) {
            int n = 0;
            for (int j = 0; j < batch; j++) {
                if (groups[j] == groups[i]) {
                    n++;
                }
            }
            for (int j = 0; j < batch; j++) {
                if (groups[j] == groups[i]) {
                    t[i * batch + j] = 1f / n;
                }
            }
        }
        return m.create(t, new Shape(batch, batch));
    }

    /** Symmetric (multi-positive when {@code groups != null}) InfoNCE, scalar. */
    public static NDArray symmetric(ClipOutput o, int[] groups) {
        ClipOutput clamped = new ClipOutput(o.imageEmbeds(), o.textEmbeds(), clampedScale(o));
        if (groups == null) {
            return io.clipstream.clip.ContrastiveLoss.symmetricInfoNce(clamped);
        }
        NDArray logits = clamped.logitsPerImage();
        long b = logits.getShape().get(0);
        NDArray target = targets(logits.getManager(), (int) b, groups);
        NDArray i2t = ScalarOps.div(logits.logSoftmax(1).mul(target).sum().neg(), b);
        NDArray t2i = ScalarOps.div(
                logits.transpose().logSoftmax(1).mul(target.transpose()).sum().neg(), b);
        return ScalarOps.div(i2t.add(t2i), 2f);
    }
}
