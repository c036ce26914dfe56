package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;

/** Pre-LN transformer block (HF {@code CLIPEncoderLayer}). */
public final class EncoderLayer extends ClipModule {

    private final LayerNorm ln1;
    private final Attention attn;
    private final LayerNorm ln2;
    private final Mlp mlp;

    /**
     * @param path HF module path ("...encoder.layers.N")
     * @param hidden width
     * @param intermediate MLP width
     * @param heads attention heads
     * @param hiddenAct activation
     * @param eps layer norm epsilon
     */
    public EncoderLayer(String path, int hidden, int intermediate, int heads, String hiddenAct, double eps) {
        super(path);
        ln1 = register("layer_norm1", new LayerNorm(child("layer_norm1"), hidden, eps));
        attn = register("self_attn", new Attention(child("self_attn"), hidden, heads));
        ln2 = register("layer_norm2", new LayerNorm(child("layer_norm2"), hidden, eps));
        mlp = register("mlp", new Mlp(child("mlp"), hidden, intermediate, hiddenAct));
    }

    /**
     * @param x [B, T, H]
     * @param mask additive attention mask or null
     * @param training whether dropout is active
     * @return [B, T, H]
     */
    public NDArray forward(NDArray x, NDArray mask, boolean training) {
        NDArray h = x.add(attn.forward(ln1.forward(x, training), mask, training));
        return h.add(mlp.forward(ln2.forward(h, training), training));
    }

    @Override
    public NDArray forward(NDArray x, boolean training) {
        return forward(x, null, training);
    }
}
