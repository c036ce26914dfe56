package io.clipstream.gateway;

import io.clipstream.contracts.Topics;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import org.apache.kafka.common.config.TopicConfig;

import java.util.Map;

/**
 * The testkit's real broker, plus pairs.raw created as production should have it: records up to
 * 8 MiB (the broker's default of ~1 MiB would refuse a pair near the 4M body limit).
 */
public class GatewayInfraResource extends ClipStreamInfraResource {
    static final int PARTITIONS = 3;
    static final String MAX_MESSAGE_BYTES = "8388608";

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        Infra.shared().createTopics(io.clipstream.testkit.Topics.topic(Topics.PAIRS_RAW, PARTITIONS,
                Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, MAX_MESSAGE_BYTES)));
        return config;
    }
}
