package io.clipstream.contracts;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One topic of ClipStream: what it holds, how the broker keeps it, and who may write and read it.
 * Everything that creates topics or ACLs (services, testkit, local stack, compose, Kubernetes) uses
 * these, or is checked against them by a test.
 *
 * @param name            the default name ({@code clipstream.topics.*} may rename it)
 * @param key             what the record key is
 * @param valueType       the event record type of the value
 * @param compacted       {@code cleanup.policy=compact} (a catalogue: latest value per key)
 * @param retention       {@code retention.ms} of a time-based topic; empty for compacted ones
 * @param maxMessageBytes {@code max.message.bytes} when above the broker's 1 MiB default
 * @param partitions      the default partition count (1 for low-volume control topics)
 */
public record TopicSpec(
        String name,
        String key,
        Class<?> valueType,
        boolean compacted,
        Optional<Duration> retention,
        Optional<Integer> maxMessageBytes,
        int partitions,
        Set<Principal> writers,
        Set<Principal> readers) {

    public TopicSpec {
        writers = Set.copyOf(writers);
        readers = Set.copyOf(readers);
        if (compacted == retention.isPresent()) {
            throw new IllegalArgumentException(name + ": a topic is either compacted or has a retention");
        }
    }

    /** The topic configs to create it with. */
    public Map<String, String> configs() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("cleanup.policy", compacted ? "compact" : "delete");
        retention.ifPresent(r -> c.put("retention.ms", Long.toString(r.toMillis())));
        maxMessageBytes.ifPresent(m -> c.put("max.message.bytes", Integer.toString(m)));
        return c;
    }
}
