package io.clipstream.gateway;

import io.clipstream.contracts.TopicSpec;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.quarkus.ClipStreamInfraResource;
import java.util.Map;

/**
 * The testkit's real broker, plus pairs.raw created as production has it (shared/contracts'
 * TopicSpecs: records up to 8 MiB, where the broker's default of ~1 MiB would refuse a pair near the
 * 4M body limit).
 */
public class GatewayInfraResource extends ClipStreamInfraResource {
    static final TopicSpec RAW = TopicSpecs.PAIRS_RAW;

    @Override
    public Map<String, String> start() {
        Map<String, String> config = super.start();
        Infra.shared().createTopics(io.clipstream.testkit.Topics.topic(RAW.name(), RAW.partitions(), RAW.configs()));
        return config;
    }
}
