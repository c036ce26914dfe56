package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/** A stack of {@link EncoderLayer}s (HF {@code CLIPEncoder}). */
public final class Encoder extends ClipModule {

    private final List<EncoderLayer> layers = new ArrayList<>();

    /**
     * @param path HF module path ("text_model.encoder" / "vision_model.encoder")
     * @param layers depth
     * @param hidden width
     * @param intermediate MLP width
     * @param heads attention heads
     * @param hiddenAct activation
     * @param eps layer norm epsilon
     */
    public Encoder(String path, int layers, int hidden, int intermediate, int heads, String hiddenAct, double eps) {
        super(path);
        for (int i = 0; i < layers; i++) {
            String local = "layers." + i;
            this.layers.add(
                    register(local, new EncoderLayer(child(local), hidden, intermediate, heads, hiddenAct, eps)));
        }
    }

    /**
     * @param x [B, T, H]
     * @param mask additive attention mask or null
     * @param training whether dropout is active
     * @return last hidden state [B, T, H]
     */
    public NDArray forward(NDArray x, NDArray mask, boolean training) {
        NDArray h = x;
        for (EncoderLayer layer : layers) {
            h = layer.forward(h, mask, training);
        }
        return h;
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return forward(x, null, training);
    }
}
