package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/**
 * The array a forward pass reads for a parameter: the parameter's own (fp32) array, or a copy of it in another
 * precision ({@link io.clipstream.clip.precision.HalfWeights}). The parameters keep the master weights either way.
 */
@FunctionalInterface
public interface WeightView {

    /** Every parameter as itself. */
    WeightView MASTER = Parameter::getArray;

    NDArray of(Parameter p);
}
