package io.clipstream.local;

import static io.clipstream.testkit.Topics.topic;

import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.testkit.Infra;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Every topic, created before the services start (as production's topics job does: the services' principals may
 * not create topics), the data plane's with our partition count, the loop's as their specs say.
 */
public final class StackTopics {
    static final int PARTITIONS = 2;

    private StackTopics() {}

    public static void create(Infra infra) {
        infra.createTopics(TopicSpecs.ALL.stream()
                .map(t -> topic(t.name(), TopicSpecs.DATA_PLANE.contains(t) ? PARTITIONS : t.partitions(), t.configs()))
                .toArray(NewTopic[]::new));
    }

    /** A topic made like {@code spec}, under another name (benchmark baselines). */
    public static NewTopic like(TopicSpec spec, String name, int partitions) {
        return topic(name, partitions, spec.configs());
    }
}
