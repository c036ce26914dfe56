package io.clipstream.curator.streams;

import io.clipstream.contracts.TopicsConfig;

/**
 * The curator's topics: the four of the data plane and its own {@code accepted}, where the topology
 * hands the pairs every check accepted to the store stage.
 */
public record TopicNames(String raw, String curated, String rejected, String deadletter, String accepted) {
    public static TopicNames of(TopicsConfig t) {
        return new TopicNames(t.raw(), t.curated(), t.rejected(), t.deadletter(), t.accepted());
    }
}
