package io.clipstream.gateway.validation;

/**
 * Checks that a string is standard base64 (RFC 4648 section 4, no line breaks; the padding may be
 * left out, as {@link java.util.Base64.Decoder} allows) in one pass over its characters, without
 * decoding it: a 4 MB image is not copied a second time to be checked.
 */
final class Base64Check {
    private Base64Check() {}

    /** Null when valid, else what is wrong. */
    static String problem(String s) {
        int n = s.length();
        int padding = n > 0 && s.charAt(n - 1) == '=' ? (n > 1 && s.charAt(n - 2) == '=' ? 2 : 1) : 0;
        if (padding > 0 ? n % 4 != 0 : n % 4 == 1) {
            return "length " + n + " cannot be base64";
        }
        for (int i = 0; i < n - padding; i++) {
            char c = s.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
            if (!ok) {
                return "illegal character " + (c == '=' ? "'=' before the end" : String.format("0x%02x", (int) c))
                        + " at index " + i;
            }
        }
        return null;
    }
}
