package io.clipstream.contracts;

import java.time.Instant;
import java.util.Map;

/**
 * A producer's image-text pair as it enters {@code pairs.raw} (key = pairId). The image comes inline
 * ({@code imageBase64}, bounded by the gateway's size limit) or by reference ({@code imageUri}, claim
 * check); exactly one of them is set by the gateway. Validation beyond shape is the curator's job, so
 * that every accepted submission ends curated or rejected with a reason.
 */
public record PairSubmitted(
        int schemaVersion,
        String pairId,
        String source,
        String domain,
        String text,
        String imageBase64,
        String imageUri,
        Map<String, String> attributes,
        Instant submittedAt) {

    public static final int SCHEMA_VERSION = 1;

    public PairSubmitted {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }

    public static PairSubmitted of(
            String pairId,
            String source,
            String domain,
            String text,
            String imageBase64,
            String imageUri,
            Map<String, String> attributes,
            Instant submittedAt) {
        return new PairSubmitted(
                SCHEMA_VERSION, pairId, source, domain, text, imageBase64, imageUri, attributes, submittedAt);
    }
}
