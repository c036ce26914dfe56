package io.clipstream.contracts;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * {@code clipstream.topics.*}: every service's topic names and how to create them, one key per topic in every
 * service (the defaults are {@link Topics}' names). Each service reads the ones it uses.
 */
@ConfigMapping(prefix = "clipstream.topics")
public interface TopicsConfig {
    /** The key of {@link #create()}, for launchers that set it on a service they start. */
    String CREATE_KEY = "clipstream.topics.create";

    /** Producers' pairs, as the gateway writes them. */
    @WithDefault(Topics.PAIRS_RAW)
    String raw();

    /** Pairs that passed every check, with their objects in storage: what the trainer and the refresh read. */
    @WithDefault(Topics.PAIRS_CURATED)
    String curated();

    /** Pairs refused, with their reason codes. */
    @WithDefault(Topics.PAIRS_REJECTED)
    String rejected();

    /** Pairs the curator could not finish (storage down for too long, a bug), with their value, for replay. */
    @WithDefault(Topics.PAIRS_DEADLETTER)
    String deadletter();

    /** The trainer's run events (STARTED, PROGRESS, EVALUATING, PROMOTED, REJECTED, FAILED). */
    @WithDefault(Topics.TRAINING_RUNS)
    String trainingRuns();

    /** Promoted versions and rollbacks: the champion announcements (compacted). */
    @WithDefault(Topics.MODEL_VERSIONS)
    String modelVersions();

    /** The refresh's re-index events (started, progress, swapped, failed). */
    @WithDefault(Topics.INDEX_EVENTS)
    String indexEvents();

    /**
     * The curator's own topic between its topology and its store stage (pairs that passed every check, with their
     * image bytes); always created by the curator, like Kafka Streams' internal topics, under the application id's
     * prefix. The curator's application.properties sets {@code <application-id>-accepted}.
     */
    @WithDefault("clipstream-curator-accepted")
    String accepted();

    /** Create the service's topics at start-up when missing (off where the deploy files create them). */
    @WithDefault("true")
    boolean create();

    /** Partitions of the topics the curator creates. */
    @WithDefault("3")
    int partitions();

    /** Replication factor of the topics a service creates. */
    @WithDefault("1")
    short replicationFactor();
}
