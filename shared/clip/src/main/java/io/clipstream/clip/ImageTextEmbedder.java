package io.clipstream.clip;

import io.clipstream.clip.preprocess.ImagePreprocessor;
import java.util.List;

/**
 * What evaluation and serving need from a CLIP model: unit-norm embeddings of texts and of
 * preprocessed images in one shared space. {@link ClipModel} is one (the model being trained, used
 * by one thread); {@link ClipEncoder} is the thread-safe one with a fixed version for serving.
 */
public interface ImageTextEmbedder {

    /**
     * @param texts captions / queries
     * @return unit-norm embeddings [N][dimension]
     */
    float[][] encodeTexts(List<String> texts);

    /**
     * @param chw images preprocessed by {@link #preprocessor()} (CHW floats)
     * @return unit-norm embeddings [N][dimension]
     */
    float[][] encodePixels(List<float[]> chw);

    /** @return the preprocessing that turns an image into this model's input */
    ImagePreprocessor preprocessor();

    /** @return the embedding dimension (projection_dim) */
    int dimension();
}
