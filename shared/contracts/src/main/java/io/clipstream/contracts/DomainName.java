package io.clipstream.contracts;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The grammar of a domain name: lower-case ASCII letters and digits, then up to 62 more of those or {@code .},
 * {@code _}, {@code -}. A domain becomes part of object keys ({@code models/<model>/anchors/<domain>}) and of metric
 * labels, so nothing that could climb a key ({@code ..} is refused: a name never ends or starts with a dot, and
 * holds no two dots in a row) or break a label gets in. The gateway, the curator and the trainer check names with
 * this one class.
 */
public final class DomainName {
    public static final int MAX_LENGTH = 63;
    static final Pattern GRAMMAR = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private DomainName() {}

    public static boolean isValid(String name) {
        return problem(name).isEmpty();
    }

    /** Why {@code name} is not a domain name, or empty when it is one. */
    public static Optional<String> problem(String name) {
        if (name == null || name.isEmpty()) {
            return Optional.of("a domain name is required");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("a domain name has at most " + MAX_LENGTH + " characters, not " + name.length());
        }
        if (!GRAMMAR.matcher(name).matches()) {
            return Optional.of("a domain name must match " + GRAMMAR.pattern()
                    + " (lower-case letters, digits, '.', '_', '-'; starting with a letter or digit)");
        }
        if (name.contains("..") || name.endsWith(".")) {
            return Optional.of("a domain name must not hold '..' or end with '.'");
        }
        return Optional.empty();
    }

    /** {@code name} when it is a domain name; otherwise IllegalArgumentException naming {@code what} and the rule. */
    public static String require(String name, String what) {
        problem(name).ifPresent(p -> {
            throw new IllegalArgumentException(what + " '" + name + "': " + p);
        });
        return name;
    }
}
