package io.clipstream.refresh.index;

/**
 * One curated pair as the index holds it: its image's sha256 and its producer (together its {@link #key()}), what a
 * result shows, and the unit-norm embeddings of its image and its caption by one model version.
 */
public record IndexedPair(String sha256, String pairId, String source, String domain, String caption, String imageKey,
                          float[] imageVector, float[] textVector) {

    /** The pair's key in the index, as on pairs.curated: two producers' copies of one image are two documents. */
    public String key() {
        return io.clipstream.contracts.PairCurated.catalogueKey(source, sha256);
    }
}
