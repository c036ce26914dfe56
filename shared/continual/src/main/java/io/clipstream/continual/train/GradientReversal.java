package io.clipstream.continual.train;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.ScalarOps;

/**
 * Gradient-reversal layer (Ganin &amp; Lempitsky): identity forward, gradient multiplied by -lambda backward.
 * Built from autograd primitives: {@code x*(-lambda) + stopGradient(x*(1+lambda))} has value x and derivative -lambda.
 */
public final class GradientReversal {
    private GradientReversal() {}

    public static NDArray apply(NDArray x, float lambda) {
        return ScalarOps.mul(x, -lambda).add(ScalarOps.mul(x, 1 + lambda).stopGradient());
    }
}
