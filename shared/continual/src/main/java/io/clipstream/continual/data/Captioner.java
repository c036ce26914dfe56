package io.clipstream.continual.data;

import java.util.Random;

/**
 * The caption a training step (or an evaluation) uses for a sample. Curated pairs have one caption
 * ({@link #fixed()}); the benchmark draws a template per use.
 */
@FunctionalInterface
public interface Captioner {
    String caption(Sample sample, Random rnd);

    /** The sample's own caption, always. */
    static Captioner fixed() {
        return (s, rnd) -> s.caption();
    }
}
