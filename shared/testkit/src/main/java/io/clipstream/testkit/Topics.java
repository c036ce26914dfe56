package io.clipstream.testkit;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Idempotent topic creation through the AdminClient. */
public final class Topics {

    private Topics() {}

    /** A topic with the broker's default replication factor. */
    public static NewTopic topic(String name, int partitions) {
        return new NewTopic(name, Optional.of(partitions), Optional.empty());
    }

    /** A topic with the broker's default replication factor and the given topic configs. */
    public static NewTopic topic(String name, int partitions, Map<String, String> configs) {
        return topic(name, partitions).configs(configs);
    }

    /** A log-compacted topic ({@code cleanup.policy=compact}). */
    public static NewTopic compacted(String name, int partitions) {
        return topic(name, partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    public static void create(String bootstrapServers, NewTopic... topics) {
        create(
                Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                Arrays.asList(topics));
    }

    /**
     * Creates the topics that do not exist yet; existing ones are left as they are.
     *
     * @param adminConfig bootstrap servers and security settings, e.g. {@link Infra#kafkaClientConfig()}
     */
    public static void create(Map<String, Object> adminConfig, Collection<NewTopic> topics) {
        Object bootstrapServers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(adminConfig)) {
            for (var entry : admin.createTopics(topics).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(
                                "cannot create topic " + entry.getKey() + ": " + e.getCause(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException(
                            "creating topic " + entry.getKey() + " timed out at " + bootstrapServers, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
    }
}
