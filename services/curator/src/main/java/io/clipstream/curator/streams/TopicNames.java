package io.clipstream.curator.streams;

/** The curator's four topics. */
public record TopicNames(String raw, String curated, String rejected, String deadletter) {
}
