package io.clipstream.clip.tools;

import java.util.List;

/**
 * Shape of a generated tiny CLIP (both towers share width, depth and heads).
 *
 * @param imageSize image side in pixels
 * @param patchSize patch side (must divide imageSize)
 * @param numChannels input channels
 * @param width hidden size of both towers
 * @param layers depth of both towers
 * @param heads attention heads
 * @param intermediate MLP width
 * @param projectionDim embedding size
 * @param contextLength text max_position_embeddings
 * @param hiddenAct activation ("quick_gelu" or "gelu")
 * @param seed weight seed
 * @param extraWords words (or whole captions, split like the tokenizer does) added to the default
 *     vocabulary
 */
public record TinyClipSpec(
        int imageSize,
        int patchSize,
        int numChannels,
        int width,
        int layers,
        int heads,
        int intermediate,
        int projectionDim,
        int contextLength,
        String hiddenAct,
        long seed,
        List<String> extraWords) {

    /** Validates. */
    public TinyClipSpec {
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("patch " + patchSize + " must divide image " + imageSize);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("heads " + heads + " must divide width " + width);
        }
        extraWords = extraWords == null ? List.of() : List.copyOf(extraWords);
    }

    /** @return 32 px images, 8 px patches, width 64, 2 layers, 4 heads, 64-d embeddings, context 16 */
    public static TinyClipSpec defaults() {
        return new TinyClipSpec(32, 8, 3, 64, 2, 4, 256, 64, 16, "quick_gelu", 42L, List.of());
    }

    /**
     * The shape of OpenAI's ViT-B/32 CLIP (224 px, 32 px patches, 12 layers of width 768, 512-d embeddings, 77
     * tokens) with one width for both towers and random weights: for measuring speed at a real model's size.
     */
    public static TinyClipSpec vitB32Shaped() {
        return new TinyClipSpec(224, 32, 3, 768, 12, 12, 3072, 512, 77, "quick_gelu", 1L, List.of());
    }

    /**
     * @param size image side
     * @param patch patch side
     * @return a copy with that geometry
     */
    public TinyClipSpec withImage(int size, int patch) {
        return new TinyClipSpec(
                size,
                patch,
                numChannels,
                width,
                layers,
                heads,
                intermediate,
                projectionDim,
                contextLength,
                hiddenAct,
                seed,
                extraWords);
    }

    /**
     * @param s seed
     * @return a copy with that seed
     */
    public TinyClipSpec withSeed(long s) {
        return new TinyClipSpec(
                imageSize,
                patchSize,
                numChannels,
                width,
                layers,
                heads,
                intermediate,
                projectionDim,
                contextLength,
                hiddenAct,
                s,
                extraWords);
    }

    /**
     * @param words extra vocabulary (words or captions)
     * @return a copy with those words
     */
    public TinyClipSpec withWords(List<String> words) {
        return new TinyClipSpec(
                imageSize,
                patchSize,
                numChannels,
                width,
                layers,
                heads,
                intermediate,
                projectionDim,
                contextLength,
                hiddenAct,
                seed,
                words);
    }
}
