package io.clipstream.testkit;

import io.clipstream.contracts.Principal;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How clients authenticate to the embedded broker: SASL/SCRAM-SHA-512 over plaintext (loopback
 * only), one user per {@link Principal} plus a super user {@code admin}, each with a password made
 * for this broker. {@link #none()} is an unauthenticated broker (containers, external mode).
 */
public final class KafkaSecurity {
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String ADMIN = "admin";

    private final Map<String, String> passwords;

    private KafkaSecurity(Map<String, String> passwords) {
        this.passwords = Map.copyOf(passwords);
    }

    /** Fresh random passwords for the admin and every principal. */
    public static KafkaSecurity generate() {
        SecureRandom random = new SecureRandom();
        Map<String, String> passwords = new LinkedHashMap<>();
        passwords.put(ADMIN, password(random));
        for (Principal p : Principal.values()) {
            passwords.put(p.user(), password(random));
        }
        return new KafkaSecurity(passwords);
    }

    public static KafkaSecurity none() {
        return new KafkaSecurity(Map.of());
    }

    /** Known users and passwords, e.g. published by {@link Infra#shared()} to another class loader. */
    public static KafkaSecurity of(Map<String, String> passwords) {
        return new KafkaSecurity(passwords);
    }

    private static String password(SecureRandom random) {
        byte[] b = new byte[18];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    public boolean enabled() {
        return !passwords.isEmpty();
    }

    /** User name to password. */
    public Map<String, String> passwords() {
        return passwords;
    }

    /** The client settings of the super user: what tests and tools use. */
    public Map<String, String> adminClientConfig() {
        return clientConfig(ADMIN);
    }

    /** The client settings of one service. */
    public Map<String, String> clientConfig(Principal principal) {
        return clientConfig(principal.user());
    }

    /** {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}; empty when disabled. */
    public Map<String, String> clientConfig(String user) {
        if (!enabled()) {
            return Map.of();
        }
        String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no Kafka user " + user);
        }
        Map<String, String> c = new LinkedHashMap<>();
        c.put("security.protocol", "SASL_PLAINTEXT");
        c.put("sasl.mechanism", MECHANISM);
        c.put("sasl.jaas.config", jaas(user, password));
        return c;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user + "\" password=\""
                + password + "\";";
    }
}
