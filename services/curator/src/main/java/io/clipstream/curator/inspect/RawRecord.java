package io.clipstream.curator.inspect;

/** Where a record came from on pairs.raw, as {@code PairRejected} points back to it. */
public record RawRecord(String topic, int partition, long offset) {}
