package io.clipstream.contracts;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topics a service needs when they are missing, under their configured names, with the settings of
 * the one list ({@link TopicSpecs}). A topic another instance created meanwhile is not an error.
 */
public final class TopicCreator {
    private TopicCreator() {}

    /**
     * @param adminConfig  admin client settings ({@link KafkaClientSettings#forAdmin})
     * @param names        spec -> the name this service uses for it
     * @param partitions   partitions of a created topic (null: the spec's default)
     * @param created      told the name of every topic this call created
     */
    public static void createMissing(
            Map<String, Object> adminConfig,
            Map<TopicSpec, String> names,
            Integer partitions,
            short replicationFactor,
            Consumer<String> created) {
        Object bootstrapServers = adminConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        List<NewTopic> topics = names.entrySet().stream()
                .map(e -> new NewTopic(
                                e.getValue(),
                                partitions == null ? e.getKey().partitions() : partitions,
                                replicationFactor)
                        .configs(e.getKey().configs()))
                .toList();
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing =
                    topics.stream().filter(nt -> !existing.contains(nt.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created.accept(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " to create topics", e);
        }
    }
}
