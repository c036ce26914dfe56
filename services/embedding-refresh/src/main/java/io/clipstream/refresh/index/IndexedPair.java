package io.clipstream.refresh.index;

/**
 * One curated pair as the index holds it: its catalogue key (the image's sha256), what a result shows, and the
 * unit-norm embeddings of its image and its caption by one model version.
 */
public record IndexedPair(String sha256, String pairId, String source, String domain, String caption, String imageKey,
                          float[] imageVector, float[] textVector) {
}
