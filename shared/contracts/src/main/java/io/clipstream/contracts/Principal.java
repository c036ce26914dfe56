package io.clipstream.contracts;

/**
 * The Kafka identities of ClipStream: each service authenticates as its own user (SASL/SCRAM), and
 * the ACLs derived from {@link TopicSpecs} let each write only what it produces. The curator trusts
 * {@code PairSubmitted.source} because only the gateway can write {@code pairs.raw}.
 */
public enum Principal {
    GATEWAY("clipstream-gateway"),
    CURATOR("clipstream-curator"),
    TRAINER("clipstream-trainer"),
    REFRESH("clipstream-refresh"),
    /** Operators' tools: read every topic, write none (dashboards, the CLI, replays go through a service). */
    OPERATOR("clipstream-operator");

    private final String user;

    Principal(String user) {
        this.user = user;
    }

    /** The SCRAM user name. */
    public String user() {
        return user;
    }

    /** As Kafka's authorizer names it: {@code User:<name>}. */
    public String kafkaPrincipal() {
        return "User:" + user;
    }
}
