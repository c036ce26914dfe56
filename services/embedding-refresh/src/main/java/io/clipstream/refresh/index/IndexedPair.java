package io.clipstream.refresh.index;

/**
 * One curated pair as the index holds it: its image's sha256 and its producer (together its {@link #key()}), what a
 * result shows, the unit-norm embeddings of its image and its caption by one model version, and, in a version of
 * per-domain experts, the expert that embedded them (the domain its image was routed to; null for one adapter).
 */
public record IndexedPair(
        String sha256,
        String pairId,
        String source,
        String domain,
        String caption,
        String imageKey,
        float[] imageVector,
        float[] textVector,
        String expert) {

    public IndexedPair(
            String sha256,
            String pairId,
            String source,
            String domain,
            String caption,
            String imageKey,
            float[] imageVector,
            float[] textVector) {
        this(sha256, pairId, source, domain, caption, imageKey, imageVector, textVector, null);
    }

    /** The pair's key in the index, as on pairs.curated: two producers' copies of one image are two documents. */
    public String key() {
        return io.clipstream.contracts.PairCurated.catalogueKey(source, sha256);
    }
}
