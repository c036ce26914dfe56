package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.clipstream.clip.tensor.Ops;

/** {@code nn.LayerNorm} over the last axis with HF's {@code weight}/{@code bias} names. */
public final class LayerNorm extends ClipModule {

    private final Parameter weight;
    private final Parameter bias;
    private final float eps;

    /**
     * @param path HF module path
     * @param size normalised size
     * @param eps epsilon
     */
    public LayerNorm(String path, int size, double eps) {
        super(path);
        this.eps = (float) eps;
        weight = declare("weight", Parameter.Type.GAMMA, new Shape(size));
        bias = declare("bias", Parameter.Type.BETA, new Shape(size));
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return Ops.layerNorm(x, value(weight), value(bias), eps);
    }
}
