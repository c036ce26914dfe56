package io.clipstream.clip.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * Thin wrappers over the engine's fused ops. Every result belongs to the manager of the first
 * (data) argument, so parameters never accumulate intermediate arrays.
 */
public final class Ops {

    private Ops() {}

    /**
     * {@code x @ weight^T + bias}.
     *
     * @param x input [..., in]
     * @param weight [out, in]
     * @param bias [out] or null
     * @return [..., out]
     */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        return x.getNDArrayInternal().linear(x, weight, bias).singletonOrThrow();
    }

    /**
     * Layer normalisation over the last axis.
     *
     * @param x input
     * @param gamma weight
     * @param beta bias
     * @param eps epsilon
     * @return normalised x
     */
    public static NDArray layerNorm(NDArray x, NDArray gamma, NDArray beta, float eps) {
        Shape last = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        return x.getNDArrayInternal().layerNorm(x, last, gamma, beta, eps).singletonOrThrow();
    }

    /**
     * Row lookup {@code weight[ids]}.
     *
     * @param ids int64 indices
     * @param weight [n, d]
     * @return [..., d]
     */
    public static NDArray embedding(NDArray ids, NDArray weight) {
        return ids.getNDArrayInternal()
                .embedding(ids, weight, SparseFormat.DENSE)
                .singletonOrThrow();
    }

    /**
     * 2-D convolution without padding or dilation.
     *
     * @param x [N, C, H, W]
     * @param weight [O, C, k, k]
     * @param bias [O] or null
     * @param stride stride
     * @return [N, O, H', W']
     */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride) {
        return x.getNDArrayInternal()
                .convolution(x, weight, bias, new Shape(stride, stride), new Shape(0, 0), new Shape(1, 1), 1)
                .singletonOrThrow();
    }

    /**
     * Dropout (identity unless training and rate &gt; 0).
     *
     * @param x input
     * @param rate drop probability
     * @param training whether active
     * @return x with dropout
     */
    public static NDArray dropout(NDArray x, float rate, boolean training) {
        if (!training || rate <= 0f) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, rate, true).singletonOrThrow();
    }

    /**
     * L2-normalises the last axis.
     *
     * @param x input
     * @return x / ||x||
     */
    public static NDArray l2Normalize(NDArray x) {
        return x.div(x.norm(new int[] {-1}, true));
    }
}
