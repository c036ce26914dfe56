package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/** CLIP's MLP: {@code fc2(act(fc1(x)))}. */
public final class Mlp extends ClipModule {

    private final Linear fc1;
    private final Linear fc2;
    private final UnaryOperator<NDArray> act;

    /**
     * @param path HF module path ("...mlp")
     * @param hidden width
     * @param intermediate inner width
     * @param hiddenAct activation name
     */
    public Mlp(String path, int hidden, int intermediate, String hiddenAct) {
        super(path);
        fc1 = register("fc1", new Linear(child("fc1"), hidden, intermediate, true));
        fc2 = register("fc2", new Linear(child("fc2"), intermediate, hidden, true));
        act = Activations.byName(hiddenAct);
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return fc2.forward(act.apply(fc1.forward(x, training)), training);
    }
}
