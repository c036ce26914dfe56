package io.clipstream.clip;

import ai.djl.ndarray.NDArray;
import io.clipstream.clip.tensor.Constants;

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
 * memory and closing the Java handle is harmless. The scalars are {@link Constants}: made once per value, dtype and
 * device, not in every layer of every step.
 */
public final class ScalarOps {
    private ScalarOps() {}

    /** {@code x op s} with s a 0-d tensor in memory torch owns, of x's device and dtype. */
    private static NDArray apply(NDArray x, float s, java.util.function.BinaryOperator<NDArray> op) {
        NDArray c = Constants.scalar(x, s);
        try {
            return op.apply(x, c);
        } finally {
            Constants.release(c);
        }
    }

    /** {@code x * s}. */
    public static NDArray mul(NDArray x, float s) {
        return apply(x, s, NDArray::mul);
    }

    /** {@code x / s}. */
    public static NDArray div(NDArray x, float s) {
        return apply(x, s, NDArray::div);
    }

    /** {@code x ^ e}. */
    public static NDArray pow(NDArray x, float e) {
        return apply(x, e, NDArray::pow);
    }
}
