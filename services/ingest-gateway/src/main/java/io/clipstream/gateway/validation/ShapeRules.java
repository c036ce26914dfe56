package io.clipstream.gateway.validation;

/** The bounds {@link PairValidator} checks; built from {@code clipstream.gateway.*}. */
public record ShapeRules(
        int pairIdLength,
        int textLength,
        int imageUriLength,
        String imageBucket,
        int attributes,
        int attributeKeyLength,
        int attributeValueLength,
        int batchMaxPairs) {

    /** The documented defaults (same as application.properties). */
    public static ShapeRules defaults() {
        return new ShapeRules(128, 16384, 4096, "clipstream", 64, 128, 2048, 500);
    }
}
