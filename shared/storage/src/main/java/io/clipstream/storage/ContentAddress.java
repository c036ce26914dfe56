package io.clipstream.storage;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Content-addressed object keys: the key of an image is derived from its bytes, so a retry or a
 * replay writes the same key with the same content (the exactly-once argument of the curator).
 */
public final class ContentAddress {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern EXTENSION = Pattern.compile("[a-z0-9]{1,8}");
    /** A producer name, as API keys name producers: one plain path segment. */
    private static final Pattern SOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private ContentAddress() {}

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }

    /** {@code pairs/images/sha256/<2 hex>/<sha256>.<ext>} */
    public static String imageKey(String sha256, String extension) {
        requireSha(sha256);
        if (!EXTENSION.matcher(extension).matches()) {
            throw new IllegalArgumentException("bad file extension: " + extension);
        }
        return "pairs/images/sha256/" + sha256.substring(0, 2) + "/" + sha256 + "." + extension;
    }

    /**
     * {@code pairs/text/by-source/<source>/<2 hex>/<sha256>.json}: a pair's text belongs to its producer, so two
     * producers who send the same image each have their own.
     */
    public static String textKey(String source, String sha256) {
        requireSha(sha256);
        if (source == null || !SOURCE.matcher(source).matches()) {
            throw new IllegalArgumentException("not a producer name: " + source);
        }
        return "pairs/text/by-source/" + source + "/" + sha256.substring(0, 2) + "/" + sha256 + ".json";
    }

    private static void requireSha(String sha256) {
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("not a lower-case hex sha256: " + sha256);
        }
    }
}
