package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.clipstream.clip.ClipConfig;
import io.clipstream.clip.tensor.Constants;

/**
 * The text tower (HF {@code CLIPTextTransformer}): embeddings, causal pre-LN encoder, final layer
 * norm, pooled at the end-of-text token.
 */
public final class TextTransformer extends ClipModule {

    /** Additive mask value for blocked positions; exp underflows to exactly 0 like finfo.min. */
    static final float MASKED = Constants.MASKED;

    private final ClipConfig.TextConfig config;
    private final TextEmbeddings embeddings;
    private final Encoder encoder;
    private final LayerNorm finalLayerNorm;

    /**
     * @param path HF module path ("text_model")
     * @param c text config
     */
    public TextTransformer(String path, ClipConfig.TextConfig c) {
        super(path);
        this.config = c;
        embeddings = register(
                "embeddings",
                new TextEmbeddings(child("embeddings"), c.vocabSize(), c.maxPositionEmbeddings(), c.hiddenSize()));
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
        finalLayerNorm = register(
                "final_layer_norm", new LayerNorm(child("final_layer_norm"), c.hiddenSize(), c.layerNormEps()));
    }

    /**
     * Last hidden state after the final layer norm.
     *
     * @param ids [B, T] int64
     * @param attentionMask [B, T] (1 = token, 0 = padding) or null
     * @param training whether dropout is active
     * @return [B, T, H]
     */
    public NDArray lastHiddenState(NDArray ids, NDArray attentionMask, boolean training) {
        NDArray x = embeddings.forward(ids, training);
        NDArray mask = buildMask(ids, attentionMask, x.getDataType());
        NDArray h = encoder.forward(x, mask, training);
        return finalLayerNorm.forward(h, training);
    }

    /**
     * Pooled output: the hidden state at the end-of-text token, as HF selects it (argmax of the
     * ids when {@code eos_token_id == 2}, the legacy configs; otherwise the first position holding
     * {@code eos_token_id}).
     *
     * @param ids [B, T] int64
     * @param attentionMask [B, T] or null
     * @param training whether dropout is active
     * @return [B, H]
     */
    public NDArray pooled(NDArray ids, NDArray attentionMask, boolean training) {
        NDArray last = lastHiddenState(ids, attentionMask, training);
        NDArray eosIndex = config.eosTokenId() == 2
                ? ids.argMax(1)
                : ids.eq(config.eosTokenId()).toType(DataType.INT32, false).argMax(1);
        long b = last.getShape().get(0);
        long h = last.getShape().get(2);
        NDArray index = eosIndex.toType(DataType.INT64, false).reshape(b, 1, 1).broadcast(b, 1, h);
        return last.gather(index, 1).reshape(b, h);
    }

    private static NDArray buildMask(NDArray ids, NDArray attentionMask, DataType type) {
        int t = (int) ids.getShape().get(1);
        NDArray causal = Constants.causalMask(ids.getManager(), t, ids.getDevice(), type);
        if (attentionMask == null) {
            return causal;
        }
        long b = ids.getShape().get(0);
        float masked = Constants.masked(type);
        NDArray pad =
                attentionMask.toType(type, false).neg().add(1f).mul(masked).reshape(b, 1, 1, t);
        NDArray mask = causal.add(pad).maximum(masked);
        Constants.release(causal);
        return mask;
    }

    @Override
    public NDArray forward(NDArray ids, boolean training) {
        return pooled(ids, null, training);
    }

    /** @return the text config */
    public ClipConfig.TextConfig config() {
        return config;
    }
}
