package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import io.clipstream.clip.ClipConfig;

/**
 * The vision tower (HF {@code CLIPVisionTransformer}): embeddings, {@code pre_layrnorm} (sic),
 * pre-LN encoder, pooled = {@code post_layernorm} of the class token.
 */
public final class VisionTransformer extends ClipModule {

    private final ClipConfig.VisionConfig config;
    private final VisionEmbeddings embeddings;
    private final LayerNorm preLayerNorm;
    private final Encoder encoder;
    private final LayerNorm postLayerNorm;

    /**
     * @param path HF module path ("vision_model")
     * @param c vision config
     */
    public VisionTransformer(String path, ClipConfig.VisionConfig c) {
        super(path);
        this.config = c;
        embeddings = register("embeddings", new VisionEmbeddings(child("embeddings"), c));
        preLayerNorm = register("pre_layrnorm", new LayerNorm(child("pre_layrnorm"), c.hiddenSize(), c.layerNormEps()));
        encoder = register(
                "encoder",
                new Encoder(
                        child("encoder"),
                        c.numHiddenLayers(),
                        c.hiddenSize(),
                        c.intermediateSize(),
                        c.numAttentionHeads(),
                        c.hiddenAct(),
                        c.layerNormEps()));
        postLayerNorm =
                register("post_layernorm", new LayerNorm(child("post_layernorm"), c.hiddenSize(), c.layerNormEps()));
    }

    /**
     * Last hidden state of the encoder (before {@code post_layernorm}, as HF returns it).
     *
     * @param pixels [B, C, S, S]
     * @param training whether dropout is active
     * @return [B, 1 + patches, H]
     */
    public NDArray lastHiddenState(NDArray pixels, boolean training) {
        NDArray h = preLayerNorm.forward(embeddings.forward(pixels, training), training);
        return encoder.forward(h, null, training);
    }

    /**
     * @param pixels [B, C, S, S]
     * @param training whether dropout is active
     * @return pooled [B, H]
     */
    public NDArray pooled(NDArray pixels, boolean training) {
        NDArray cls = lastHiddenState(pixels, training).get(new NDIndex(":, 0, :"));
        return postLayerNorm.forward(cls, training);
    }

    @Override
    public NDArray forward(NDArray pixels, boolean training) {
        return pooled(pixels, training);
    }

    /** @return the vision config */
    public ClipConfig.VisionConfig config() {
        return config;
    }
}
