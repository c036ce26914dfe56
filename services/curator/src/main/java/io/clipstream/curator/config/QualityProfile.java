package io.clipstream.curator.config;

/**
 * The thresholds one pair is judged by. {@code defaults} holds DataComp-like values for web photos;
 * a named profile (selected by source or domain, see {@link QualityProfiles}) overrides some of them.
 *
 * @param maxImageBytes            encoded image larger than this: IMAGE_TOO_MANY_BYTES
 * @param maxPixels                header width x height above this: IMAGE_DECOMPRESSION_BOMB (not decoded)
 * @param minSide                  min(width, height) below this: IMAGE_TOO_SMALL
 * @param maxAspectRatio           max(w,h) / min(w,h) above this: IMAGE_EXTREME_ASPECT_RATIO
 * @param minSharpness             variance of the Laplacian (grey 0..255, analysis resolution) below this: IMAGE_BLURRY
 * @param minTextChars             cleaned caption shorter than this: TEXT_TOO_SHORT
 * @param maxTextChars             cleaned caption longer than this: TEXT_TOO_LONG
 * @param minLetterRatio           share of letters among the non-space characters below this: TEXT_NOT_TEXT
 * @param nearDuplicateMaxDistance perceptual hashes within this Hamming distance (same caption): DUPLICATE_NEAR; -1 =
 * off
 */
public record QualityProfile(
        String name,
        long maxImageBytes,
        long maxPixels,
        int minSide,
        double maxAspectRatio,
        double minSharpness,
        int minTextChars,
        int maxTextChars,
        double minLetterRatio,
        int nearDuplicateMaxDistance) {

    public static final String DEFAULT_NAME = "default";

    /** The built-in defaults (the same values application.properties documents). */
    public static QualityProfile defaults() {
        return new QualityProfile(DEFAULT_NAME, 10L * 1024 * 1024, 45_000_000L, 200, 3.0, 60.0, 5, 1000, 0.2, 4);
    }

    public QualityProfile {
        if (maxImageBytes < 1
                || maxPixels < 1
                || minSide < 1
                || maxAspectRatio < 1.0
                || minSharpness < 0
                || minTextChars < 1
                || maxTextChars < minTextChars
                || minLetterRatio < 0
                || minLetterRatio > 1
                || nearDuplicateMaxDistance < -1
                || nearDuplicateMaxDistance > 64) {
            throw new IllegalArgumentException("inconsistent curation profile " + name + ": " + this);
        }
    }

    public boolean nearDuplicateCheckEnabled() {
        return nearDuplicateMaxDistance >= 0;
    }
}
