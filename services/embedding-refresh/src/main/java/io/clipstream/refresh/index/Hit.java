package io.clipstream.refresh.index;

/**
 * One search result; {@code score} is the cosine similarity of query and vector, in [-1, 1], in the space of
 * {@code expert}: the per-domain expert that embedded the pair (null for a version of one adapter).
 */
public record Hit(
        String sha256,
        String pairId,
        String source,
        String domain,
        String caption,
        String imageKey,
        float score,
        String expert) {
    public Hit(
            String sha256, String pairId, String source, String domain, String caption, String imageKey, float score) {
        this(sha256, pairId, source, domain, caption, imageKey, score, null);
    }
}
