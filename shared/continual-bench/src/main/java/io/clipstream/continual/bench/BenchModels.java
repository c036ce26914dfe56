package io.clipstream.continual.bench;

import io.clipstream.clip.tools.TinyClipSpec;
import java.util.List;

/** The benchmark's model shape. */
final class BenchModels {
    private BenchModels() {}

    /** The benchmark's tiny CLIP: 28 px, patch 7, width 64, 2 layers, 4 heads, MLP 256, 64-d embeddings, context 16. */
    static TinyClipSpec spec(List<String> words, long seed) {
        return new TinyClipSpec(28, 7, 3, 64, 2, 4, 256, 64, 16, "quick_gelu", seed, words);
    }
}
