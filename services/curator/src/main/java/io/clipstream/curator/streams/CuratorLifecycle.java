package io.clipstream.curator.streams;

import io.clipstream.curator.config.CuratorConfig;
import io.clipstream.curator.config.TopicsConfig;
import io.clipstream.storage.ObjectStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Startup and failure handling around the Kafka Streams client Quarkus runs:
 * <ul>
 *   <li>before the streams start: the bucket and the three topics exist (pairs.curated compacted);</li>
 *   <li>an exception that escapes a processor (object storage down after its retries) replaces the
 *       stream thread: the open transaction aborts and the records are processed again from the last
 *       committed offset - nothing is rejected or dropped for an infrastructure failure;</li>
 *   <li>state changes are logged ({@code curator streams state RUNNING} marks readiness in logs).</li>
 * </ul>
 */
@Singleton
public class CuratorLifecycle {
    private static final Logger LOG = Logger.getLogger(CuratorLifecycle.class);

    void onStart(@Observes @Priority(100) StartupEvent event, TopicsConfig topics, ObjectStore store,
                 @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers") String bootstrapServers) {
        store.ensureBucket();
        if (topics.create()) {
            createTopics(topics, bootstrapServers);
        }
    }

    static void createTopics(TopicsConfig t, String bootstrapServers) {
        int partitions = t.partitions();
        short rf = t.replicationFactor();
        List<NewTopic> topics = List.of(
                new NewTopic(t.raw(), partitions, rf),
                new NewTopic(t.curated(), partitions, rf).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(t.rejected(), partitions, rf));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream().filter(nt -> !existing.contains(nt.name())).toList();
            if (missing.isEmpty()) {
                return;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    LOG.infof("created topic %s", entry.getKey());
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

    @Produces
    @Singleton
    StreamsUncaughtExceptionHandler uncaughtExceptionHandler(CuratorConfig config) {
        long backoffMs = config.failureBackoff().toMillis();
        return e -> {
            LOG.errorf(e, "stream thread failed; replacing it in %d ms (its transaction aborts and its records are retried)",
                    backoffMs);
            try {
                Thread.sleep(backoffMs); // no hot loop while object storage is down
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    @Produces
    @Singleton
    KafkaStreams.StateListener stateListener() {
        return (newState, oldState) -> LOG.infof("curator streams state %s (was %s)", newState, oldState);
    }
}
