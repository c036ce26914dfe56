package io.clipstream.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Tensor-by-scalar arithmetic that is safe under autograd. Use these instead of {@code NDArray.mul(Number)} /
 * {@code div(Number)} / {@code pow(Number)} on anything that takes part in a backward pass.
 *
 * <p>Why: DJL's PyTorch {@code mul(Number)} (likewise {@code div}, {@code pow}) creates the scalar with
 * {@code manager.create(number)}, i.e. {@code torch::from_blob} over a Java direct buffer the tensor does not own,
 * runs the op, and closes the scalar at once. Autograd keeps the scalar for the backward pass (MulBackward saves
 * {@code other}), but once the Java side has let go of the buffer the garbage collector may free it before
 * {@code backward()} reads it: the gradient is then computed with whatever that memory holds (0, garbage, NaN),
 * depending on GC timing. Here the scalar is made by {@code torch::full}, so torch owns and reference-counts its
 * memory and closing the Java handle is harmless.
 */
public final class ScalarOps {
    private ScalarOps() {}

    /** A 0-d tensor of {@code value} in memory torch owns, on x's manager, device and dtype. */
    public static NDArray scalar(NDArray x, float value) {
        return x.getManager().full(new Shape(), value, x.getDataType(), x.getDevice());
    }

    /** {@code x * s}. */
    public static NDArray mul(NDArray x, float s) {
        try (NDArray c = scalar(x, s)) {
            return x.mul(c);
        }
    }

    /** {@code x / s}. */
    public static NDArray div(NDArray x, float s) {
        try (NDArray c = scalar(x, s)) {
            return x.div(c);
        }
    }

    /** {@code x ^ e}. */
    public static NDArray pow(NDArray x, float e) {
        try (NDArray c = scalar(x, e)) {
            return x.pow(c);
        }
    }
}
