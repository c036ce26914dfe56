package io.clipstream.contracts;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Null-safe immutable copies for the compact constructors of the event records. */
final class Copies {
    private Copies() {}

    static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** The first {@code max} elements of {@code list}, immutable; empty for null. */
    static <T> List<T> first(List<T> list, int max) {
        return list == null ? List.of() : List.copyOf(list.subList(0, Math.min(list.size(), max)));
    }

    static <K, V> Map<K, V> map(Map<K, V> map) {
        return map == null ? Map.of() : Map.copyOf(map);
    }

    /** A deep copy of a {@code domain -> metric -> value} table. */
    static Map<String, Map<String, Double>> metrics(Map<String, Map<String, Double>> metrics) {
        if (metrics == null) {
            return Map.of();
        }
        return metrics.entrySet().stream()
                .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, e -> map(e.getValue())));
    }

    /** {@code text} cut to {@code max} characters plus an ellipsis; null stays null. */
    static String bounded(String text, int max) {
        return text != null && text.length() > max ? text.substring(0, max) + "..." : text;
    }
}
