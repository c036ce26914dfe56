package io.clipstream.local;

import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.testkit.Infra;
import org.apache.kafka.clients.admin.NewTopic;

import static io.clipstream.testkit.Topics.topic;

/** The data-plane topics, created before the services start so that partition counts are ours. */
public final class StackTopics {
    static final int PARTITIONS = 2;

    private StackTopics() {
    }

    public static void create(Infra infra) {
        infra.createTopics(TopicSpecs.DATA_PLANE.stream().map(t -> topic(t.name(), PARTITIONS, t.configs()))
                .toArray(NewTopic[]::new));
    }

    /** A topic made like {@code spec}, under another name (benchmark baselines). */
    public static NewTopic like(TopicSpec spec, String name, int partitions) {
        return topic(name, partitions, spec.configs());
    }
}
