package io.clipstream.clip.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.clipstream.clip.ScalarOps;
import io.clipstream.clip.model.Linear;
import io.clipstream.clip.model.WeightView;
import io.clipstream.clip.tensor.NoGrad;
import io.clipstream.clip.tensor.Ops;

/**
 * One rank-r adapter on one {@link Linear}: {@code delta(x) = scale * B(A(dropout(x)))} with
 * {@code lora_A.weight [r, in]} and {@code lora_B.weight [out, r]}. Parameter names are PEFT's
 * state-dict keys, e.g. {@code base_model.model.text_model.encoder.layers.0.self_attn.q_proj.lora_A.weight}.
 */
public final class LoraAdapter implements AutoCloseable {

    /** Prefix PEFT puts before the wrapped model's module paths. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private final Linear target;
    private final Parameter a;
    private final Parameter b;
    private final float scale;
    private final float dropout;
    private boolean merged;
    /** While several adapters serve one batch: every adapter's A, transposed and stacked [K, in, r]; else null. */
    private NDArray rowsA;
    /** ... and B, [K, r, out]. */
    private NDArray rowsB;

    LoraAdapter(Linear target, NDArray aArray, NDArray bArray, float scale, float dropout) {
        this.target = target;
        this.scale = scale;
        this.dropout = dropout;
        Shape expectA = new Shape(aArray.getShape().get(0), target.inFeatures());
        Shape expectB = new Shape(target.outFeatures(), aArray.getShape().get(0));
        if (!aArray.getShape().equals(expectA) || !bArray.getShape().equals(expectB)) {
            throw new IllegalArgumentException("adapter shapes " + aArray.getShape() + "/" + bArray.getShape()
                    + " do not fit " + target.path() + " (expected " + expectA + "/" + expectB + ")");
        }
        a = Parameter.builder()
                .setName(keyA(target.path()))
                .setType(Parameter.Type.WEIGHT)
                .build();
        b = Parameter.builder()
                .setName(keyB(target.path()))
                .setType(Parameter.Type.WEIGHT)
                .build();
        a.setArray(aArray);
        b.setArray(bArray);
        a.freeze(false);
        b.freeze(false);
    }

    /**
     * @param modulePath HF module path
     * @return PEFT key of lora_A
     */
    public static String keyA(String modulePath) {
        return PEFT_PREFIX + modulePath + ".lora_A.weight";
    }

    /**
     * @param modulePath HF module path
     * @return PEFT key of lora_B
     */
    public static String keyB(String modulePath) {
        return PEFT_PREFIX + modulePath + ".lora_B.weight";
    }

    /** @return the wrapped linear */
    public Linear target() {
        return target;
    }

    /** @return lora_A parameter [r, in] */
    public Parameter loraA() {
        return a;
    }

    /** @return lora_B parameter [out, r] */
    public Parameter loraB() {
        return b;
    }

    /** @return alpha / r (or alpha / sqrt(r)) */
    public float scale() {
        return scale;
    }

    /** @return whether the delta currently lives in the base weight */
    public boolean isMerged() {
        return merged;
    }

    /**
     * The adapter's contribution to the output.
     *
     * @param x input [..., in]
     * @param training whether dropout is active
     * @return [..., out], owned by x's manager
     */
    public NDArray delta(NDArray x, boolean training) {
        return delta(x, training, WeightView.MASTER);
    }

    /** The same, reading A and B through {@code view} (their fp16 working copies in a mixed-precision step). */
    public NDArray delta(NDArray x, boolean training, WeightView view) {
        if (rowsA != null) {
            return rowsDelta(x);
        }
        NDArray h = Ops.dropout(x, dropout, training);
        return ScalarOps.mul(Ops.linear(Ops.linear(h, like(view.of(a), x), null), like(view.of(b), x), null), scale);
    }

    /**
     * {@code w} in x's dtype: an fp32 adapter serving an fp16 forward pass (an expert swapped in by value at inference)
     * is cast per call, which costs little at rank r; the copy belongs to x's manager.
     */
    private static NDArray like(NDArray w, NDArray x) {
        if (w.getDataType() == x.getDataType()) {
            return w;
        }
        NDArray cast = w.toType(x.getDataType(), false);
        cast.attach(x.getManager());
        return cast;
    }

    /**
     * From now on row k of a batch goes through the k-th of several adapters ({@code a}: [K, in, r], {@code b}:
     * [K, r, out], transposed and stacked; owned by the caller), until {@link #serveOne()}: one base pass serves K
     * adapters (the batching of S-LoRA and Punica), for inference.
     */
    void serveRows(NDArray a, NDArray b) {
        if (merged) {
            throw new IllegalStateException(target.path() + ": a merged adapter cannot serve several adapters");
        }
        rowsA = a;
        rowsB = b;
    }

    /** Back to this adapter's own A and B for every row. */
    void serveOne() {
        rowsA = null;
        rowsB = null;
    }

    private NDArray rowsDelta(NDArray x) {
        long k = rowsA.getShape().get(0);
        if (x.getShape().get(0) != k) {
            throw new IllegalStateException(
                    target.path() + ": a batch of " + x.getShape().get(0) + " rows for " + k + " adapters");
        }
        Shape shape = x.getShape();
        NDArray flat = x.reshape(k, -1, shape.get(shape.dimension() - 1));
        NDArray y = flat.matMul(like(rowsA, x)).matMul(like(rowsB, x));
        long[] out = shape.getShape().clone();
        out[out.length - 1] = rowsB.getShape().get(2);
        return ScalarOps.mul(y.reshape(new Shape(out)), scale);
    }

    /** {@code W += scale * B @ A}; the forward then skips the adapter. No-op when merged. */
    public void merge() {
        if (!merged) {
            addDeltaToWeight(1f);
            merged = true;
        }
    }

    /** {@code W -= scale * B @ A}; the forward uses the adapter again. No-op when not merged. */
    public void unmerge() {
        if (merged) {
            addDeltaToWeight(-1f);
            merged = false;
        }
    }

    private void addDeltaToWeight(float sign) {
        try (NoGrad g = NoGrad.enter();
                NDArray ba = b.getArray().matMul(a.getArray());
                NDArray delta = ba.mul(sign * scale)) {
            target.weight().getArray().addi(delta);
        }
    }

    /** Frees the adapter's arrays (the base weight keeps whatever is merged into it). */
    @Override
    public void close() {
        a.close();
        b.close();
    }
}
