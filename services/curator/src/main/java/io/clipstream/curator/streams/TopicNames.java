package io.clipstream.curator.streams;

/** The curator's three topics. */
public record TopicNames(String raw, String curated, String rejected) {
}
