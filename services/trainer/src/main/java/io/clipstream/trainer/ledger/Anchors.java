package io.clipstream.trainer.ledger;

/**
 * Held-out anchors: a deterministic share of every domain's curated pairs, chosen by content hash, so that the
 * same pair is an anchor in every run, on every trainer, after any restart, and is never trained on.
 */
public final class Anchors {
    private static final long BUCKETS = 10_000;

    private Anchors() {}

    /** True when the pair with this image sha256 belongs to the held-out share. */
    public static boolean isAnchor(String sha256, double share) {
        if (share <= 0) {
            return false;
        }
        long bucket = Long.parseUnsignedLong(sha256.substring(0, 15), 16) % BUCKETS;
        return bucket < Math.round(share * BUCKETS);
    }
}
