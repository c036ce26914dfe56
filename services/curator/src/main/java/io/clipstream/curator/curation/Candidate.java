package io.clipstream.curator.curation;

import io.clipstream.contracts.PairRejected;
import io.clipstream.contracts.ReasonCode;

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

    /** An identity as people read it: {@code source/pairId}. */
    public static String display(String identity) {
        return identity.replace('\u001F', '/');
    }

    /**
     * The pair {@code otherIdentity} as this pair's producer may read it: named when it is the producer's own, and
     * otherwise only as another producer's (a rejection must not tell one producer what another sent).
     */
    public String describeOther(String otherIdentity) {
        return otherIdentity.startsWith(source + '\u001F') ? "pair " + display(otherIdentity) : "a pair of another producer";
    }

    /** A rejection of this pair, pointing back at its raw record. */
    public PairRejected reject(ReasonCode reason, String detail, Instant at) {
        return new PairRejected(PairRejected.SCHEMA_VERSION, pairId, source, domain, List.of(reason), detail,
                rawTopic, rawPartition, rawOffset, at);
    }
}
