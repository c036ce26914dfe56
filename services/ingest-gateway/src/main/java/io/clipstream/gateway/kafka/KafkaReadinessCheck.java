package io.clipstream.gateway.kafka;

import io.clipstream.contracts.TopicsConfig;
import io.clipstream.gateway.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the Kafka cluster answers: without it every submission would end in 503. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {

    @Inject
    Admin admin;

    @Inject
    TopicsConfig topics;

    @Inject
    GatewayConfig config;

    @Override
    public HealthCheckResponse call() {
        Duration timeout = config.health().kafkaTimeout();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("kafka").withData("topic", topics.raw());
        try {
            DescribeClusterResult cluster =
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
            int nodes = cluster.nodes()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .size();
            String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return builder.status(nodes > 0)
                    .withData("nodes", nodes)
                    .withData("clusterId", clusterId)
                    .build();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return builder.down()
                    .withData("error", e.getClass().getSimpleName() + ": " + e.getMessage())
                    .build();
        }
    }
}
