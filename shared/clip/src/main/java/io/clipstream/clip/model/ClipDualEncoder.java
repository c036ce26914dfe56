package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.clipstream.clip.ClipConfig;
import io.clipstream.clip.tensor.Constants;
import io.clipstream.clip.tensor.Ops;

/**
 * HF {@code CLIPModel} as a module tree: {@code text_model}, {@code vision_model}, bias-free
 * {@code visual_projection} / {@code text_projection}, and the scalar {@code logit_scale}.
 *
 * <p>As a DJL block, {@code forward(store, [pixel_values, input_ids(, attention_mask)], training)}
 * returns {@code [image_embeds, text_embeds, logit_scale.exp()]} with unit-norm embeddings.
 */
public final class ClipDualEncoder extends ClipModule {

    private final ClipConfig config;
    private final TextTransformer textModel;
    private final VisionTransformer visionModel;
    private final Linear visualProjection;
    private final Linear textProjection;
    private final Parameter logitScale;

    /** @param config the architecture */
    public ClipDualEncoder(ClipConfig config) {
        super("");
        this.config = config;
        textModel = register("text_model", new TextTransformer("text_model", config.text()));
        visionModel = register("vision_model", new VisionTransformer("vision_model", config.vision()));
        visualProjection = register(
                "visual_projection",
                new Linear("visual_projection", config.vision().hiddenSize(), config.projectionDim(), false));
        textProjection = register(
                "text_projection",
                new Linear("text_projection", config.text().hiddenSize(), config.projectionDim(), false));
        logitScale = declare("logit_scale", Parameter.Type.OTHER, new Shape());
    }

    /**
     * Unit-norm image embeddings.
     *
     * @param pixels [B, C, S, S] float32 (CLIP-normalised)
     * @param training whether dropout is active
     * @return [B, projection_dim]
     */
    public NDArray imageEmbeds(NDArray pixels, boolean training) {
        return Ops.l2Normalize(fp32(visualProjection.forward(visionModel.pooled(pixels, training), training)));
    }

    /**
     * Unit-norm text embeddings.
     *
     * @param ids [B, T] int64
     * @param attentionMask [B, T] or null
     * @param training whether dropout is active
     * @return [B, projection_dim]
     */
    public NDArray textEmbeds(NDArray ids, NDArray attentionMask, boolean training) {
        return Ops.l2Normalize(fp32(textProjection.forward(textModel.pooled(ids, attentionMask, training), training)));
    }

    /**
     * The embeddings leave the network in fp32 whatever the precision inside it, so that losses and similarities
     * are computed in fp32: a half-precision result is promoted by a float32 factor of shape (1), which keeps the
     * gradient (DJL's casts cut it).
     */
    private static NDArray fp32(NDArray x) {
        return x.getDataType() == DataType.FLOAT32 ? x : x.mul(Constants.fp32One(x.getDevice()));
    }

    /**
     * {@code logit_scale.exp()} as an array owned by {@code manager} (attached to autograd).
     *
     * @param manager owner of the result
     * @return scalar
     */
    public NDArray logitScaleExp(NDManager manager) {
        NDArray s = logitScale.getArray().exp();
        s.attach(manager);
        return s;
    }

    /** @return the raw {@code logit_scale} parameter */
    public Parameter logitScale() {
        return logitScale;
    }

    /** @return the text tower */
    public TextTransformer textModel() {
        return textModel;
    }

    /** @return the vision tower */
    public VisionTransformer visionModel() {
        return visionModel;
    }

    /** @return the architecture */
    public ClipConfig config() {
        return config;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray pixels = inputs.get(0);
        NDArray ids = inputs.get(1);
        NDArray mask = inputs.size() > 2 ? inputs.get(2) : null;
        return new NDList(
                imageEmbeds(pixels, training), textEmbeds(ids, mask, training), logitScaleExp(pixels.getManager()));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long p = config.projectionDim();
        return new Shape[] {new Shape(inputShapes[0].get(0), p), new Shape(inputShapes[1].get(0), p), new Shape()};
    }
}
