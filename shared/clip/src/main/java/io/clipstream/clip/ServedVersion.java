package io.clipstream.clip;

import io.clipstream.clip.preprocess.ImagePreprocessor;

/** A model version held for inference: its label, how it preprocesses images, its embedding size; closing frees it. */
public interface ServedVersion extends AutoCloseable {
    /** e.g. {@code v3}. */
    String version();

    ImagePreprocessor preprocessor();

    int dimension();

    @Override
    void close();
}
