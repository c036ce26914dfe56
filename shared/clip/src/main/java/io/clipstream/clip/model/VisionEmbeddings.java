package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.clipstream.clip.ClipConfig;
import io.clipstream.clip.tensor.Ops;

/** Patchify (bias-free conv), prepend the class token, add positions (HF {@code CLIPVisionEmbeddings}). */
public final class VisionEmbeddings extends ClipModule {

    private final Parameter classEmbedding;
    private final Parameter patchEmbedding;
    private final Parameter positionEmbedding;
    private final int patch;
    private final int hidden;
    private final int positions;

    /**
     * @param path HF module path ("vision_model.embeddings")
     * @param c vision config
     */
    public VisionEmbeddings(String path, ClipConfig.VisionConfig c) {
        super(path);
        patch = c.patchSize();
        hidden = c.hiddenSize();
        positions = c.numPatches() + 1;
        classEmbedding = declare("class_embedding", Parameter.Type.WEIGHT, new Shape(hidden));
        patchEmbedding = declare(
                "patch_embedding.weight", Parameter.Type.WEIGHT, new Shape(hidden, c.numChannels(), patch, patch));
        positionEmbedding = declare("position_embedding.weight", Parameter.Type.WEIGHT, new Shape(positions, hidden));
    }

    /**
     * @param pixels [B, C, S, S] float32, normalised
     * @param training unused
     * @return [B, 1 + patches, H]
     */
    @Override
    public NDArray forward(NDArray pixels, boolean training) {
        long b = pixels.getShape().get(0);
        NDArray kernel = value(patchEmbedding);
        // the pixels arrive in fp32; a half-precision forward casts them (an input needs no gradient)
        NDArray input =
                pixels.getDataType() == kernel.getDataType() ? pixels : pixels.toType(kernel.getDataType(), false);
        NDArray patches = Ops.conv2d(input, kernel, null, patch);
        long n = patches.getShape().get(2) * patches.getShape().get(3);
        if (n + 1 != positions) {
            throw new IllegalArgumentException("image of shape " + pixels.getShape() + " gives " + n
                    + " patches, model expects " + (positions - 1));
        }
        patches = patches.reshape(b, hidden, n).transpose(0, 2, 1);
        NDArray cls = pixels.getManager()
                .zeros(new Shape(b, 1, hidden), kernel.getDataType(), pixels.getDevice())
                .add(value(classEmbedding));
        NDArray ids = pixels.getManager().arange(0, positions, 1, DataType.INT64, pixels.getDevice());
        return cls.concat(patches, 1).add(Ops.embedding(ids, value(positionEmbedding)));
    }
}
