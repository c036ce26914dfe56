package io.clipstream.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * A pair that passed curation and whose image is in object storage ({@code pairs.curated}, key =
 * {@link #catalogueKey()}: the producer and the sha256 of the image bytes; compacted, so the topic is the
 * catalogue of the corpus: the record is where a pair's text and metadata live). De-duplication is scoped
 * by producer: two producers who send the same image each have their own entry, and neither can replace
 * or block the other's.
 *
 * @param textKey        the pair's text document in object storage, a copy of this record's text and
 *                       metadata; null unless the curator writes them ({@code clipstream.curator.store.text-objects})
 * @param perceptualHash 64-bit perceptual hash of the image as 16 lower-case hex digits
 * @param quality        named quality scores, e.g. {@code sharpness} (variance of the Laplacian)
 */
public record PairCurated(
        int schemaVersion,
        String pairId,
        String source,
        String domain,
        String sha256,
        String imageKey,
        String textKey,
        String imageFormat,
        String perceptualHash,
        int width,
        int height,
        String text,
        Map<String, Double> quality,
        Instant submittedAt,
        Instant curatedAt) {

    public static final int SCHEMA_VERSION = 1;

    public PairCurated {
        quality = quality == null ? Map.of() : Map.copyOf(quality);
    }

    /** This pair's key on pairs.curated and in the search index. */
    public String catalogueKey() {
        return catalogueKey(source, sha256);
    }

    /** {@code <source>/<sha256>}: a producer name holds no '/', so the key reads back unambiguously. */
    public static String catalogueKey(String source, String sha256) {
        return source + "/" + sha256;
    }
}
