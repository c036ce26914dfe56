package io.clipstream.clip.precision;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import io.clipstream.clip.model.WeightView;
import io.clipstream.clip.tensor.NoGrad;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * fp16 copies of a model's weights for a mixed-precision forward and backward pass, the parameters keeping the fp32
 * master weights. Frozen weights are cast once. A trainable weight gets an fp16 working copy that requires
 * gradients: the backward pass fills the copy's (fp16) gradient ({@code of(p).getGradient()}), an optimizer updates
 * the master from it (in fp32), and {@link #syncFromMasters} copies the updated masters back in place.
 * Weights in {@code keepFp32} (the logit scale: one number that turns the fp16 similarities into fp32 logits)
 * stay as they are.
 *
 * <p>DJL's casts ({@code toType}) cut autograd, which is why the copies are made outside any gradient recording and
 * why a trainable weight needs a copy of its own instead of a cast inside the forward pass.
 */
public final class HalfWeights implements WeightView, AutoCloseable {
    private final Map<Parameter, NDArray> half = new IdentityHashMap<>();
    private final Map<Parameter, NDArray> working = new LinkedHashMap<>();
    private final NDManager owner;

    private HalfWeights(NDManager owner) {
        this.owner = owner;
    }

    /**
     * @param frozen    weights read but not trained
     * @param trainable weights trained (each gets a working copy)
     * @param keepFp32  weights of either kind that stay in fp32
     * @param parent    manager the copies are made under (closed with {@link #close})
     */
    public static HalfWeights of(
            Collection<Parameter> frozen, Collection<Parameter> trainable, Set<Parameter> keepFp32, NDManager parent) {
        HalfWeights w = new HalfWeights(parent.newSubManager());
        try (NoGrad g = NoGrad.enter()) {
            for (Parameter p : frozen) {
                if (!keepFp32.contains(p) && p.getArray().getDataType() == DataType.FLOAT32) {
                    w.half.put(p, w.cast(p.getArray()));
                }
            }
            for (Parameter p : trainable) {
                if (keepFp32.contains(p)) {
                    continue;
                }
                NDArray copy = w.cast(p.getArray());
                copy.setRequiresGradient(true);
                w.half.put(p, copy);
                w.working.put(p, copy);
            }
        }
        return w;
    }

    private NDArray cast(NDArray master) {
        NDArray h = master.toType(DataType.FLOAT16, false);
        h.attach(owner);
        return h;
    }

    @Override
    public NDArray of(Parameter p) {
        NDArray h = half.get(p);
        return h == null ? p.getArray() : h;
    }

    /** Whether {@code p} trains through an fp16 working copy. */
    public boolean hasWorkingCopy(Parameter p) {
        return working.containsKey(p);
    }

    /** Copies every master weight into its working copy, in place (the copy keeps requiring gradients). */
    public void syncFromMasters() {
        try (NoGrad g = NoGrad.enter()) {
            for (Map.Entry<Parameter, NDArray> e : working.entrySet()) {
                try (NDArray cast = e.getKey().getArray().toType(DataType.FLOAT16, false)) {
                    e.getValue().set(new NDIndex("..."), cast);
                }
            }
        }
    }

    @Override
    public void close() {
        owner.close();
    }
}
