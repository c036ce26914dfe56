package io.clipstream.refresh.index;

/** Restricts a search to one domain and/or one source; null = any. */
public record Filter(String domain, String source) {
    public static final Filter NONE = new Filter(null, null);

    public boolean isEmpty() {
        return domain == null && source == null;
    }
}
