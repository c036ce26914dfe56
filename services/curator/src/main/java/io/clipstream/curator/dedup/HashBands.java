package io.clipstream.curator.dedup;

/**
 * Multi-index hashing (Norouzi, Punjani and Fleet, "Fast search in Hamming space with multi-index
 * hashing", CVPR 2012): a 64-bit hash is cut into {@code count} bands of consecutive bits. Two hashes
 * at most {@code count - 1} bits apart agree exactly on at least one band (pigeonhole), so the hashes
 * near a given one are all found among the entries that share one of its band values, and with
 * {@code d} bits allowed, any {@code d + 1} bands suffice. Each band value is a bucket of its own:
 * an entry is stored once per band, and a lookup reads a few small buckets instead of every hash
 * kept for a caption.
 */
public record HashBands(int count) {

    public HashBands {
        if (count < 1 || count > Long.SIZE) {
            throw new IllegalArgumentException("band count must be 1..64, was " + count);
        }
    }

    /** The fewest bands that find every hash within {@code maxDistance} bits (at most one band per bit). */
    public static HashBands forMaxDistance(int maxDistance) {
        return new HashBands(Math.clamp(maxDistance + 1L, 1, Long.SIZE));
    }

    /** The largest distance this layout finds every hash within. */
    public int maxDistance() {
        return count - 1;
    }

    /** Band {@code band}'s bits of {@code hash}; the first {@code 64 % count} bands are one bit wider. */
    public long value(long hash, int band) {
        int width = width(band);
        long mask = width == Long.SIZE ? -1L : (1L << width) - 1;
        return (hash >>> start(band)) & mask;
    }

    int width(int band) {
        if (band < 0 || band >= count) {
            throw new IllegalArgumentException("band " + band + " of " + count);
        }
        return Long.SIZE / count + (band < Long.SIZE % count ? 1 : 0);
    }

    int start(int band) {
        int wide = Math.min(band, Long.SIZE % count);
        return band * (Long.SIZE / count) + wide;
    }

    /**
     * The store key of one bucket: the group (a caption's hash), the layout, the band and its value.
     * The layout is part of the key, so a new layout starts an empty index instead of misreading the old one.
     */
    public String bucketKey(String group, long hash, int band) {
        return group + '/' + count + '.' + band + '.' + Long.toHexString(value(hash, band));
    }
}
