package io.clipstream.curator.text;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;
import java.util.List;

/**
 * The verdict on one caption: the cleaned text and at most one text reason. Order: TEXT_EMPTY
 * (nothing left after cleaning), TEXT_TOO_LONG, TEXT_NOT_TEXT (too few letters), TEXT_TOO_SHORT.
 */
public record CaptionCheck(String cleaned, List<ReasonCode> reasons, List<String> details) {

    /** Raw captions longer than this many chars times the maximum are refused before cleaning. */
    private static final int RAW_SLACK = 8;

    public CaptionCheck {
        reasons = List.copyOf(reasons);
        details = List.copyOf(details);
    }

    public boolean passed() {
        return reasons.isEmpty();
    }

    public static CaptionCheck of(String raw, QualityProfile profile) {
        if (raw != null && raw.length() > (long) profile.maxTextChars() * RAW_SLACK + 1024) {
            return refuse(
                    "",
                    ReasonCode.TEXT_TOO_LONG,
                    "caption has " + raw.length() + " chars before cleaning, limit " + profile.maxTextChars());
        }
        String cleaned = CaptionCleaner.clean(raw);
        if (cleaned.isEmpty()) {
            return refuse(
                    cleaned, ReasonCode.TEXT_EMPTY, raw == null ? "no caption" : "caption is empty after cleaning");
        }
        int length = cleaned.codePointCount(0, cleaned.length());
        if (length > profile.maxTextChars()) {
            return refuse(
                    cleaned,
                    ReasonCode.TEXT_TOO_LONG,
                    "caption has " + length + " chars after cleaning, limit " + profile.maxTextChars());
        }
        double letters = letterRatio(cleaned);
        if (letters == 0 || letters < profile.minLetterRatio()) {
            return refuse(
                    cleaned,
                    ReasonCode.TEXT_NOT_TEXT,
                    String.format(
                            java.util.Locale.ROOT,
                            "caption has %.0f%% letters, minimum %.0f%%",
                            letters * 100,
                            profile.minLetterRatio() * 100));
        }
        if (length < profile.minTextChars()) {
            return refuse(
                    cleaned,
                    ReasonCode.TEXT_TOO_SHORT,
                    "caption has " + length + " chars after cleaning, minimum " + profile.minTextChars());
        }
        return new CaptionCheck(cleaned, List.of(), List.of());
    }

    /** Share of letters (any script) among the non-whitespace code points. */
    static double letterRatio(String s) {
        long nonSpace = s.codePoints().filter(cp -> !Character.isWhitespace(cp)).count();
        long letters = s.codePoints().filter(Character::isLetter).count();
        return nonSpace == 0 ? 0 : (double) letters / nonSpace;
    }

    private static CaptionCheck refuse(String cleaned, ReasonCode code, String detail) {
        return new CaptionCheck(cleaned, List.of(code), List.of(detail));
    }
}
