package io.clipstream.curator.inspect;

import io.clipstream.contracts.PairCurated;
import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;
import io.clipstream.storage.ContentAddress;
import java.time.Instant;
import java.util.List;

/**
 * A pair that passed the image and text checks and now goes through de-duplication and storage.
 * It crosses the repartition topics, so it carries the image bytes and a pointer to the raw record
 * (for a later rejection).
 *
 * @param captionKey     what near-duplicates are grouped by (cleaned caption, lower case)
 * @param perceptualHash 16 hex digits
 */
public record Candidate(
        String pairId,
        String source,
        String domain,
        String profile,
        String text,
        String captionKey,
        String sha256,
        String perceptualHash,
        String imageFormat,
        String contentType,
        int width,
        int height,
        double sharpness,
        byte[] image,
        Instant submittedAt,
        String rawTopic,
        int rawPartition,
        long rawOffset) {

    /**
     * Who the pair is: (source, pairId). Two producers may use the same pairId without meeting; the
     * separator cannot occur in either part (control characters are refused at inspection).
     */
    public String identity() {
        return identity(source, pairId);
    }

    public static String identity(String source, String pairId) {
        return source + '\u001F' + pairId;
    }

    /** Where exact de-duplication looks: the same bytes from the same producer ({@link PairCurated#catalogueKey}). */
    public String catalogueKey() {
        return PairCurated.catalogueKey(source, sha256);
    }

    /**
     * Where near de-duplication looks: the hash of the producer and the normalised caption. Scoped by producer, as
     * exact de-duplication: a producer who sends a public image first does not make another's copy a duplicate.
     */
    public String captionScope() {
        return ContentAddress.sha256Hex(
                (source + '\u001F' + captionKey).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** An identity as people read it: {@code source/pairId}. */
    public static String display(String identity) {
        return identity.replace('\u001F', '/');
    }

    /**
     * The pair {@code otherIdentity} as this pair's producer may read it: named when it is the producer's own, and
     * otherwise only as another producer's. De-duplication is scoped by producer, so the other is the producer's own;
     * a rejection must not tell one producer what another sent, whatever state a store was left in.
     */
    public String describeOther(String otherIdentity) {
        return otherIdentity.startsWith(source + '\u001F')
                ? "pair " + display(otherIdentity)
                : "a pair of another producer";
    }

    /** A rejection of this pair, pointing back at its raw record. */
    public PairRejected reject(ReasonCode reason, String detail, Instant at) {
        return new PairRejected(
                PairRejected.SCHEMA_VERSION,
                pairId,
                source,
                domain,
                List.of(reason),
                detail,
                rawTopic,
                rawPartition,
                rawOffset,
                at);
    }
}
