package io.clipstream.curator.text;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalises a caption: drops script/style blocks, HTML comments and tags, decodes HTML entities,
 * removes control and format characters (zero-width spaces, BOM, bidi marks), applies Unicode NFC
 * and collapses every run of whitespace to one space.
 */
public final class CaptionCleaner {
    private static final Pattern BLOCKS = Pattern.compile("(?is)<(script|style)\\b[^>]*>.*?</\\1\\s*>|<!--.*?-->");
    private static final Pattern TAGS = Pattern.compile("(?s)</?[a-zA-Z][^<>]{0,2000}>|<![^<>]{0,2000}>|</?>");
    private static final Pattern ENTITY =
            Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}]+");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"),
            Map.entry("lt", "<"),
            Map.entry("gt", ">"),
            Map.entry("quot", "\""),
            Map.entry("apos", "'"),
            Map.entry("nbsp", " "),
            Map.entry("ndash", "\u2013"),
            Map.entry("mdash", "\u2014"),
            Map.entry("lsquo", "\u2018"),
            Map.entry("rsquo", "\u2019"),
            Map.entry("ldquo", "\u201c"),
            Map.entry("rdquo", "\u201d"),
            Map.entry("hellip", "\u2026"),
            Map.entry("copy", "\u00a9"),
            Map.entry("reg", "\u00ae"),
            Map.entry("trade", "\u2122"),
            Map.entry("eacute", "\u00e9"),
            Map.entry("egrave", "\u00e8"),
            Map.entry("agrave", "\u00e0"),
            Map.entry("uuml", "\u00fc"),
            Map.entry("ouml", "\u00f6"),
            Map.entry("auml", "\u00e4"),
            Map.entry("szlig", "\u00df"),
            Map.entry("ccedil", "\u00e7"),
            Map.entry("ntilde", "\u00f1"),
            Map.entry("deg", "\u00b0"),
            Map.entry("times", "\u00d7"),
            Map.entry("middot", "\u00b7"),
            Map.entry("bull", "\u2022"),
            Map.entry("euro", "\u20ac"),
            Map.entry("pound", "\u00a3"));

    private CaptionCleaner() {}

    public static String clean(String raw) {
        if (raw == null) {
            return "";
        }
        String s = BLOCKS.matcher(raw).replaceAll(" ");
        s = TAGS.matcher(s).replaceAll(" ");
        s = decodeEntities(s);
        s = stripControls(s);
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        return WHITESPACE.matcher(s).replaceAll(" ").strip();
    }

    /** The key near-duplicates are grouped by: the cleaned caption, lower-cased. */
    public static String captionKey(String cleaned) {
        return cleaned.toLowerCase(Locale.ROOT);
    }

    static String decodeEntities(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name.charAt(0) == '#') {
                int cp;
                try {
                    cp = name.charAt(1) == 'x' || name.charAt(1) == 'X'
                            ? Integer.parseInt(name.substring(2), 16)
                            : Integer.parseInt(name.substring(1));
                } catch (NumberFormatException e) {
                    cp = -1;
                }
                replacement = Character.isValidCodePoint(cp) && cp != 0 ? Character.toString(cp) : " ";
            } else {
                replacement = NAMED.get(name); // entity names are case-sensitive
                if (replacement == null) {
                    replacement = m.group(); // unknown entity: keep the text as written
                }
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static final int ZWNJ = 0x200C;
    private static final int ZWJ = 0x200D;

    /**
     * Whitespace controls (tab, newline) become spaces; other controls, format chars (but the
     * zero-width non-joiner and joiner, which are part of how words are written), unpaired
     * surrogates and U+FFFD vanish.
     */
    static String stripControls(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            int type = Character.getType(cp);
            if (cp == '\t' || cp == '\n' || cp == '\r' || cp == '\u000b' || cp == '\f' || cp == '\u0085') {
                out.append(' ');
            } else if (cp == ZWNJ || cp == ZWJ) {
                // format characters that spell words: Persian and Indic scripts, emoji sequences
                out.appendCodePoint(cp);
            } else if (type == Character.CONTROL
                    || type == Character.FORMAT
                    || type == Character.SURROGATE
                    || type == Character.PRIVATE_USE
                    || type == Character.UNASSIGNED
                    || cp == 0xFFFD) {
                // drop: control chars, bidi overrides and isolates, BOM, soft hyphens, broken
                // surrogates, the replacement char (the text's direction comes from its letters)
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }
}
