package io.clipstream.local;

import io.clipstream.contracts.Topics;
import io.clipstream.testkit.Infra;

import java.util.Map;

import static io.clipstream.testkit.Topics.compacted;
import static io.clipstream.testkit.Topics.topic;

/** The data-plane topics, created before the services start so that partition counts are ours. */
public final class StackTopics {
    static final int PARTITIONS = 2;
    /** The gateway accepts bodies up to 4 MB, so a raw record can exceed the broker's 1 MB default. */
    public static final Map<String, String> RAW_CONFIG = Map.of("max.message.bytes", Integer.toString(8 * 1024 * 1024));

    private StackTopics() {
    }

    public static void create(Infra infra) {
        infra.createTopics(
                topic(Topics.PAIRS_RAW, PARTITIONS, RAW_CONFIG),
                compacted(Topics.PAIRS_CURATED, PARTITIONS),
                topic(Topics.PAIRS_REJECTED, PARTITIONS));
    }
}
