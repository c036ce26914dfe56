package io.clipstream.continual.train;

import ai.djl.ndarray.NDManager;
import io.clipstream.clip.ClipModel;
import io.clipstream.clip.model.WeightView;
import io.clipstream.clip.precision.HalfWeights;
import io.clipstream.clip.precision.Precision;

/**
 * A training run's precision on its model: in fp16-mixed the model reads fp16 copies of its weights from the start
 * of the run to its end, and the working copies follow the masters after every update; in fp32 nothing changes.
 */
final class HalfPrecisionScope implements AutoCloseable {
    private final ClipModel model;
    private final HalfWeights half;

    HalfPrecisionScope(ClipModel model, Precision precision, NDManager owner) {
        this.model = model;
        this.half = precision.mixed() ? model.useHalfPrecision(owner) : null;
    }

    /** How the forward pass sees the weights. */
    WeightView view() {
        return half == null ? WeightView.MASTER : half;
    }

    /** After the optimizer moved the masters: copy them into the working copies. */
    void afterUpdate() {
        if (half != null) {
            half.syncFromMasters();
        }
    }

    @Override
    public void close() {
        if (half != null) {
            model.useFullPrecision();
            half.close();
        }
    }
}
