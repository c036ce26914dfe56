package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.util.Collection;

/** Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_). */
public final class GradClip {
    private GradClip() {}

    /**
     * The 2-norm of all gradients together, reduced on their device: one norm per tensor, the norm of those, and a
     * single read-back (what clip_grad_norm_ does), instead of one host round-trip per tensor.
     */
    public static double globalNorm(Collection<NDArray> grads) {
        if (grads.isEmpty()) {
            return 0;
        }
        NDList norms = new NDList(grads.size());
        for (NDArray g : grads) {
            norms.add(g.norm());
        }
        try (NDArray stacked = NDArrays.stack(norms);
                NDArray total = stacked.norm()) {
            return total.getFloat();
        } finally {
            norms.close();
        }
    }

    /** The same norm with a host read-back per tensor: the step before {@link #globalNorm}, kept as its reference. */
    public static double globalNormPerTensor(Collection<NDArray> grads) {
        double s = 0;
        for (NDArray g : grads) {
            try (NDArray sq = g.square();
                    NDArray sum = sq.sum()) {
                s += sum.getFloat();
            }
        }
        return Math.sqrt(s);
    }

    /** Factor to multiply every gradient by so that the global norm is at most maxNorm (1 when already below). */
    public static float scale(double norm, double maxNorm) {
        if (maxNorm <= 0 || norm <= maxNorm) {
            return 1f;
        }
        return (float) (maxNorm / (norm + 1e-6));
    }
}
