package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.clipstream.clip.lora.LoraAdapter;
import io.clipstream.clip.tensor.Ops;

/**
 * {@code nn.Linear}: {@code weight [out, in]}, optional {@code bias [out]}, and an optional LoRA
 * adapter whose delta is added to the output while it is not merged.
 */
public final class Linear extends ClipModule {

    private final int inFeatures;
    private final int outFeatures;
    private final Parameter weight;
    private final Parameter bias;
    private LoraAdapter adapter;

    /**
     * @param path HF module path
     * @param in input features
     * @param out output features
     * @param withBias whether a bias exists
     */
    public Linear(String path, int in, int out, boolean withBias) {
        super(path);
        this.inFeatures = in;
        this.outFeatures = out;
        weight = declare("weight", Parameter.Type.WEIGHT, new Shape(out, in));
        bias = withBias ? declare("bias", Parameter.Type.BIAS, new Shape(out)) : null;
    }

    /** @return input features */
    public int inFeatures() {
        return inFeatures;
    }

    /** @return output features */
    public int outFeatures() {
        return outFeatures;
    }

    /** @return the weight parameter [out, in] */
    public Parameter weight() {
        return weight;
    }

    /** @return the bias parameter or null */
    public Parameter bias() {
        return bias;
    }

    /** @return the attached adapter, or null */
    public LoraAdapter adapter() {
        return adapter;
    }

    /**
     * Attaches (or with null detaches) a LoRA adapter.
     *
     * @param adapter the adapter or null
     */
    public void setAdapter(LoraAdapter adapter) {
        this.adapter = adapter;
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        NDArray y = Ops.linear(x, value(weight), bias == null ? null : value(bias));
        if (adapter != null && !adapter.isMerged()) {
            y = y.add(adapter.delta(x, training, view()));
        }
        return y;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = inputShapes[0];
        return new Shape[] {s.slice(0, s.dimension() - 1).add(outFeatures)};
    }
}
