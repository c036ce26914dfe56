package io.clipstream.refresh.index;

/** One search result; {@code score} is the cosine similarity of query and vector, in [-1, 1]. */
public record Hit(String sha256, String pairId, String source, String domain, String caption, String imageKey, float score) {
}
