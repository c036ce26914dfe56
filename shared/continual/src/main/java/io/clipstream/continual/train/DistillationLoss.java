package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ScalarOps;

/**
 * Distillation from the previous model (LwF-style for CLIP): KL(p_teacher || p_student) between the in-batch
 * image->text similarity distributions, and the same for text->image, averaged. Teacher logits carry no gradient.
 */
public final class DistillationLoss {
    private DistillationLoss() {}

    public static NDArray kl(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        NDArray t = ScalarOps.div(teacherLogits.stopGradient(), temperature);
        NDArray s = ScalarOps.div(studentLogits, temperature);
        long b = s.getShape().get(0);
        NDArray i2t = ScalarOps.div(rowKl(s, t), b);
        NDArray t2i = ScalarOps.div(rowKl(s.transpose(), t.transpose()), b);
        return ScalarOps.div(i2t.add(t2i), 2f);
    }

    private static NDArray rowKl(NDArray s, NDArray t) {
        NDArray logPt = t.logSoftmax(1);
        NDArray pt = logPt.exp();
        return pt.mul(logPt.sub(s.logSoftmax(1))).sum();
    }
}
