package io.clipstream.refresh.index;

/** Restricts a search to one domain, one source and/or the pairs one expert embedded; null = any. */
public record Filter(String domain, String source, String expert) {
    public static final Filter NONE = new Filter(null, null, null);

    public Filter(String domain, String source) {
        this(domain, source, null);
    }

    public boolean isEmpty() {
        return domain == null && source == null && expert == null;
    }

    /** This filter, restricted to the pairs {@code expert} embedded (null: as it is). */
    public Filter withExpert(String expert) {
        return expert == null ? this : new Filter(domain, source, expert);
    }
}
