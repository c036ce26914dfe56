package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;

/**
 * Distillation from the previous model (LwF-style for CLIP): KL(p_teacher || p_student) between the in-batch
 * image->text similarity distributions, and the same for text->image, averaged. Teacher logits carry no gradient.
 */
public final class DistillationLoss {
    private DistillationLoss() {}

    public static NDArray kl(NDArray studentLogits, NDArray teacherLogits, float temperature) {
        NDArray t = teacherLogits.stopGradient().div(temperature);
        NDArray s = studentLogits.div(temperature);
        long b = s.getShape().get(0);
        NDArray i2t = rowKl(s, t).div(b);
        NDArray t2i = rowKl(s.transpose(), t.transpose()).div(b);
        return i2t.add(t2i).div(2);
    }

    private static NDArray rowKl(NDArray s, NDArray t) {
        NDArray logPt = t.logSoftmax(1);
        NDArray pt = logPt.exp();
        return pt.mul(logPt.sub(s.logSoftmax(1))).sum();
    }
}
