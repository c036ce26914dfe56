package io.clipstream.gateway.validation;

import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The bounds {@link PairValidator} checks; built from {@code clipstream.gateway.*}. */
public record ShapeRules(
        int pairIdLength,
        int domainLength,
        int textLength,
        int imageUriLength,
        Set<String> imageUriSchemes,
        int attributes,
        int attributeKeyLength,
        int attributeValueLength,
        int batchMaxPairs) {

    public ShapeRules {
        imageUriSchemes = imageUriSchemes.stream()
                .map(s -> s.trim().toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The documented defaults (same as application.properties). */
    public static ShapeRules defaults() {
        return new ShapeRules(128, 128, 16384, 4096, Set.of("s3", "http", "https"), 64, 128, 2048, 500);
    }
}
