package io.clipstream.refresh.index;

import java.util.Locale;

/** Which vectors a query searches: the images' or the captions'. */
public enum Target {
    IMAGE,
    TEXT;

    public String field() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code image} or {@code text}, any case. */
    public static Target parse(String s) {
        for (Target t : values()) {
            if (t.field().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("target must be image or text, not '" + s + "'");
    }
}
