package io.clipstream.contracts;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;

/**
 * A claim-check image reference, {@code s3://<bucket>/inbox/<source>/<name>}: the one grammar the
 * gateway (which answers 400) and the curator (which rejects with IMAGE_REF_INVALID) both apply.
 * A producer may only point into its own inbox, so it can neither read another producer's uploads
 * nor the curated corpus; only the {@code s3} scheme exists, so the curator never fetches from
 * arbitrary hosts. The key is checked the way S3 and the MinIO client would refuse it (length,
 * {@code .} and {@code ..} segments, empty segments, control characters) so that a reference that
 * passes here never fails later as an argument error.
 */
public record ImageRef(String bucket, String key) {
    public static final String SCHEME = "s3";
    public static final String INBOX = "inbox/";
    /** S3's limit on object keys, in UTF-8 bytes. */
    public static final int MAX_KEY_BYTES = 1024;

    public static final int MAX_URI_CHARS = 2048;

    /** Thrown for a reference that breaks the grammar; the message says which rule. */
    public static final class InvalidImageRefException extends IllegalArgumentException {
        public InvalidImageRefException(String message) {
            super(message);
        }
    }

    /** The prefix a source may reference, {@code inbox/<source>/}. */
    public static String inboxPrefix(String source) {
        return INBOX + source + "/";
    }

    public String uri() {
        return SCHEME + "://" + bucket + "/" + key;
    }

    /**
     * @param bucket the one bucket ClipStream reads
     * @param source the producer the pair belongs to (from its API key)
     * @throws InvalidImageRefException when {@code uri} is not a reference into that producer's inbox
     */
    public static ImageRef parse(String uri, String bucket, String source) {
        if (uri == null || uri.isBlank()) {
            throw new InvalidImageRefException("imageUri is empty");
        }
        if (uri.length() > MAX_URI_CHARS) {
            throw new InvalidImageRefException("imageUri is longer than " + MAX_URI_CHARS + " characters");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new InvalidImageRefException("imageUri is not a URI: " + e.getReason());
        }
        if (!SCHEME.equalsIgnoreCase(parsed.getScheme()) || parsed.isOpaque()) {
            throw new InvalidImageRefException(
                    "only s3://" + bucket + "/" + inboxPrefix(source) + "... references are accepted");
        }
        if (parsed.getRawUserInfo() != null
                || parsed.getPort() != -1
                || parsed.getRawQuery() != null
                || parsed.getRawFragment() != null) {
            throw new InvalidImageRefException("imageUri must not carry user info, port, query or fragment");
        }
        if (!bucket.equals(parsed.getHost())) {
            throw new InvalidImageRefException("bucket " + parsed.getAuthority() + " is not " + bucket);
        }
        String path = parsed.getPath();
        String key = path == null || path.isEmpty() ? "" : path.substring(1);
        checkKey(key);
        checkSource(source);
        String prefix = inboxPrefix(source);
        if (!key.startsWith(prefix) || key.length() == prefix.length()) {
            throw new InvalidImageRefException("key must lie under " + prefix + " (the producer's own inbox)");
        }
        return new ImageRef(bucket, key);
    }

    private static void checkKey(String key) {
        if (key.isEmpty()) {
            throw new InvalidImageRefException("imageUri names no object key");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new InvalidImageRefException("object key is longer than " + MAX_KEY_BYTES + " UTF-8 bytes");
        }
        if (key.codePoints().anyMatch(c -> Character.isISOControl(c) || c == '\\')) {
            throw new InvalidImageRefException("object key holds a control character or a backslash");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                throw new InvalidImageRefException("object key has an empty, '.' or '..' segment");
            }
        }
    }

    private static void checkSource(String source) {
        if (source == null
                || source.isEmpty()
                || source.contains("/")
                || source.equals(".")
                || source.equals("..")
                || source.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidImageRefException("source " + source + " cannot name an inbox");
        }
    }
}
