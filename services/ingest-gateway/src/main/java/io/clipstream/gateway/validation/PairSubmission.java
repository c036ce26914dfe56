package io.clipstream.gateway.validation;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One pair as a producer submits it, after shape validation. {@code source} is not part of it: the
 * gateway takes it from the API key. Exactly one of {@code imageBase64} / {@code imageUri} is set.
 */
@Schema(name = "PairSubmission", description = "An image-text pair. Exactly one of imageBase64 and imageUri.")
public record PairSubmission(
        @Schema(
                description = "Producer-chosen id (1-128 chars, no whitespace); a UUID is generated when absent",
                examples = "3f1c7a2e-9b7d-4c55-8f0e-2d8f6f1a9c10")
        String pairId,

        @Schema(
                description = "Domain of the pair: [a-z0-9][a-z0-9._-]{0,62}, one the producer may write; "
                        + "absent: the producer's default domain",
                examples = "fashion",
                pattern = "^[a-z0-9][a-z0-9._-]{0,62}$")
        String domain,

        @Schema(
                required = true,
                description = "Raw caption; may be empty (the curator rejects empty captions)",
                examples = "a red cotton t-shirt")
        String text,

        @Schema(description = "Image bytes, standard base64 (RFC 4648 section 4, no line breaks)")
        String imageBase64,

        @Schema(
                description =
                        "Claim check: s3://<clipstream.gateway.image-bucket>/inbox/<producer>/<name>, an object the "
                                + "producer uploaded to its own inbox",
                examples = "s3://clipstream/inbox/acme/img/42.png")
        String imageUri,

        @Schema(description = "Free string attributes (max 64 entries)")
        Map<String, String> attributes) {

    public PairSubmission {
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
