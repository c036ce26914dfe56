package io.clipstream.contracts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Client name -> API key, from a map such as {@code clipstream.gateway.api-keys.<producer>=<key>} (the gateway's
 * producers) or {@code clipstream.refresh.api-keys.<client>=<key>} (who may search). Lookup
 * compares against every key in constant time, so timing tells nothing about a key's prefix.
 */
public final class ApiKeys {
    /** Producer names become PairSubmitted.source (max 128 chars in the schema). */
    static final Pattern PRODUCER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    static final int MIN_KEY_LENGTH = 16;

    /** The placeholder of deploy/k8s/secret.yaml: a gateway must never start with it. */
    static final java.util.regex.Pattern SHIPPED_PLACEHOLDER = java.util.regex.Pattern.compile("(?i)replace[_-]?me");

    private record Entry(String producer, byte[] key) {}

    private final List<Entry> entries;
    private final String property;

    /**
     * @throws IllegalArgumentException on a bad producer name, a short key, the shipped placeholder key
     *                                  or a key shared by two producers
     */
    public ApiKeys(String property, Map<String, String> keysByProducer) {
        this.property = property;
        List<Entry> list = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        keysByProducer.forEach((producer, key) -> {
            if (!PRODUCER_NAME.matcher(producer).matches()) {
                throw new IllegalArgumentException(
                        property + ": producer name '" + producer + "' must match " + PRODUCER_NAME.pattern());
            }
            if (key == null || key.strip().length() < MIN_KEY_LENGTH) {
                throw new IllegalArgumentException(
                        property + "." + producer + ": key must have at least " + MIN_KEY_LENGTH + " characters");
            }
            if (SHIPPED_PLACEHOLDER.matcher(key).find()) {
                throw new IllegalArgumentException(property + "." + producer
                        + ": the key is the shipped placeholder (REPLACE_ME); set a real, secret key");
            }
            String previous = owners.putIfAbsent(key.strip(), producer);
            if (previous != null) {
                throw new IllegalArgumentException(property + ": producers '" + previous + "' and '" + producer
                        + "' share one key; each producer needs its own");
            }
            list.add(new Entry(producer, key.strip().getBytes(StandardCharsets.UTF_8)));
        });
        this.entries = List.copyOf(list);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The producer owning this key, if any. */
    public Optional<String> producerFor(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.key(), candidate)) { // constant time for equal lengths; no early exit here
                match = e.producer();
            }
        }
        return Optional.ofNullable(match);
    }

    /** The key a request presents: {@code X-Api-Key}, else {@code Authorization: Bearer <key>}. */
    public static Optional<String> presentedKey(String xApiKey, String authorization) {
        if (xApiKey != null && !xApiKey.isBlank()) {
            return Optional.of(xApiKey.strip());
        }
        if (authorization != null) {
            String a = authorization.strip();
            if (a.length() > 7 && a.regionMatches(true, 0, "Bearer ", 0, 7)) {
                return Optional.of(a.substring(7).strip());
            }
        }
        return Optional.empty();
    }
}
