package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    public static double globalNorm(Collection<NDArray> grads) {
        double s = 0;
        for (NDArray g : grads) s += g.square().sum().getFloat();
        return Math.sqrt(s);
    }

    /** Factor to multiply every gradient by so that the global norm is at most maxNorm (1 when already below). */
    public static float scale(double norm, double maxNorm) {
        if (maxNorm <= 0 || norm <= maxNorm) return 1f;
        return (float) (maxNorm / (norm + 1e-6));
    }
}
