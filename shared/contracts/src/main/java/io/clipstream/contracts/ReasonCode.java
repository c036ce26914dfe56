package io.clipstream.contracts;

/**
 * Why a pair or a request was refused. Gateway codes come back to the producer in an HTTP problem
 * body (the pair never enters Kafka); curator codes land on {@code pairs.rejected}. A rejected pair
 * may carry several codes.
 */
public enum ReasonCode {
    // --- ingest gateway (HTTP 4xx) ---
    /** Request body is not valid JSON or does not have the PairSubmission shape. */
    INVALID_JSON(Stage.GATEWAY, "request body is not valid JSON of the expected shape"),
    /** Missing or unknown API key. */
    UNAUTHORIZED(Stage.GATEWAY, "missing or unknown API key"),
    /** Request body larger than the configured limit. */
    PAYLOAD_TOO_LARGE(Stage.GATEWAY, "request body exceeds the size limit"),
    /** A required field is missing or has the wrong type (e.g. neither image nor imageUri). */
    INVALID_FIELD(Stage.GATEWAY, "a field is missing or invalid"),
    /** The base64 image field does not decode. */
    INVALID_IMAGE_ENCODING(Stage.GATEWAY, "image is not valid base64"),
    /** Unsupported media type for the request. */
    UNSUPPORTED_MEDIA_TYPE(Stage.GATEWAY, "unsupported request content type"),
    /** The producer is over its request rate or in-flight limit: retry after the Retry-After seconds. */
    TOO_MANY_REQUESTS(Stage.GATEWAY, "producer over its rate or concurrency limit; retry later"),
    /** A batch holds more pairs than allowed. */
    BATCH_TOO_LARGE(Stage.GATEWAY, "batch holds too many pairs"),
    /**
     * Kafka did not acknowledge in time; nothing or part of a batch may be on the topic: retry with the same pair ids.
     */
    UNAVAILABLE(Stage.GATEWAY, "the broker did not acknowledge in time; retry"),
    /** An unexpected server error. */
    INTERNAL_ERROR(Stage.GATEWAY, "unexpected server error"),

    // --- curator (pairs.rejected) ---
    /** The record on pairs.raw is not a readable PairSubmitted event (or has an unsupported schemaVersion). */
    MALFORMED_EVENT(Stage.CURATOR, "record is not a valid PairSubmitted event"),
    /** An identifier field (pairId, source, domain) is longer than the curator accepts. */
    FIELD_TOO_LONG(Stage.CURATOR, "an identifier field exceeds its length limit"),
    /** The domain is not a domain name (lower-case letters, digits, '.', '_', '-'; at most 63 characters). */
    DOMAIN_INVALID(Stage.CURATOR, "domain is not a valid domain name"),
    /** The producer may not write this domain (unknown to it, or the base domain), or names none and has no default. */
    DOMAIN_NOT_ALLOWED(Stage.CURATOR, "producer may not write this domain"),
    /** The same (source, pairId) was submitted before with a different image or caption. */
    PAIR_ID_CONFLICT(Stage.CURATOR, "pair id already used by this source for other content"),
    /** The imageUri is not a reference into the producer's own inbox (s3://bucket/inbox/source/...). */
    IMAGE_REF_INVALID(Stage.CURATOR, "image reference not allowed or refused by storage"),
    /** The event holds neither inline image bytes nor a readable image URI. */
    IMAGE_MISSING(Stage.CURATOR, "no image bytes"),
    /** Encoded image is larger than the byte limit. */
    IMAGE_TOO_MANY_BYTES(Stage.CURATOR, "encoded image exceeds the byte limit"),
    /** The image cannot be decoded (truncated, corrupt). */
    IMAGE_CORRUPT(Stage.CURATOR, "image cannot be decoded"),
    /** The decoder failed outright (an Error such as OutOfMemoryError) or ran past its time budget. */
    IMAGE_UNREADABLE(Stage.CURATOR, "image decoder failed or exceeded its memory or time budget"),
    /** The bytes are not an image format the curator accepts. */
    IMAGE_UNSUPPORTED_FORMAT(Stage.CURATOR, "image format not supported"),
    /** Header dimensions exceed the pixel budget: refused before decoding. */
    IMAGE_DECOMPRESSION_BOMB(Stage.CURATOR, "image dimensions exceed the pixel limit"),
    /** Shorter side below the minimum of the source/domain profile. */
    IMAGE_TOO_SMALL(Stage.CURATOR, "image smaller than the minimum side"),
    /** Aspect ratio beyond the maximum of the profile. */
    IMAGE_EXTREME_ASPECT_RATIO(Stage.CURATOR, "aspect ratio beyond the maximum"),
    /** Variance of the Laplacian below the threshold: blank or blurred. */
    IMAGE_BLURRY(Stage.CURATOR, "image is blank or blurred (low variance of the Laplacian)"),
    /** Caption empty after cleaning. */
    TEXT_EMPTY(Stage.CURATOR, "caption is empty after cleaning"),
    /** Caption shorter than the minimum length after cleaning. */
    TEXT_TOO_SHORT(Stage.CURATOR, "caption shorter than the minimum"),
    /** Caption longer than the maximum length. */
    TEXT_TOO_LONG(Stage.CURATOR, "caption longer than the maximum"),
    /** Caption holds no letters (only digits, symbols, binary junk). */
    TEXT_NOT_TEXT(Stage.CURATOR, "caption holds no natural-language text"),
    /** The same image bytes (sha256) were curated before. */
    DUPLICATE_EXACT(Stage.CURATOR, "identical image already curated"),
    /** A perceptually near-identical image with the same caption was curated before. */
    DUPLICATE_NEAR(Stage.CURATOR, "near-identical image with the same caption already curated"),
    /** Image-text cosine below the alignment threshold of the current model. */
    LOW_ALIGNMENT(Stage.CURATOR, "image and caption do not match under the current model");

    /** Where a code is produced. */
    public enum Stage {
        GATEWAY,
        CURATOR
    }

    private final Stage stage;
    private final String description;

    ReasonCode(Stage stage, String description) {
        this.stage = stage;
        this.description = description;
    }

    public Stage stage() {
        return stage;
    }

    public String description() {
        return description;
    }
}
