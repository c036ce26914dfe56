package io.clipstream.curator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** {@code clipstream.topics.*}: the curator's topics and how to create them. */
@ConfigMapping(prefix = "clipstream.topics")
public interface TopicsConfig {
    @WithDefault("pairs.raw")
    String raw();

    @WithDefault("pairs.curated")
    String curated();

    @WithDefault("pairs.rejected")
    String rejected();

    @WithDefault("pairs.deadletter")
    String deadletter();

    /**
     * The curator's own topic between its topology and its store stage (pairs that passed every
     * check, with their image bytes); always created by the curator, like Kafka Streams' internal
     * topics, under the application id's prefix. application.properties sets
     * {@code <application-id>-accepted}.
     */
    String accepted();

    /** Create the four topics at startup when missing (pairs.curated compacted). */
    @WithDefault("true")
    boolean create();

    @WithDefault("3")
    int partitions();

    @WithDefault("1")
    short replicationFactor();
}
