package io.clipstream.clip;

import ai.djl.ndarray.NDArray;

/**
 * The training forward's result; all arrays belong to the batch's manager and are attached to
 * autograd when computed inside a {@code GradientCollector}.
 *
 * @param imageEmbeds unit-norm [B, projection_dim]
 * @param textEmbeds unit-norm [B', projection_dim]
 * @param logitScale {@code logit_scale.exp()}, scalar
 */
public record ClipOutput(NDArray imageEmbeds, NDArray textEmbeds, NDArray logitScale) {

    /** @return {@code logitScale * image @ text^T}, [B, B'] */
    public NDArray logitsPerImage() {
        return imageEmbeds.matMul(textEmbeds.transpose()).mul(logitScale);
    }
}
