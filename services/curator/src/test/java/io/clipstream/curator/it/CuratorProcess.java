package io.clipstream.curator.it;

import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The packaged curator, {@code java -jar target/quarkus-app/quarkus-run.jar}, as a child JVM on the shared infra. */
public final class CuratorProcess {
    private CuratorProcess() {}

    /** Settings every test child gets: random HTTP port, quick commits and fail-over. */
    public static Map<String, String> baseProperties(String appId, String topicPrefix, String bucket, Path stateDir) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.port", "0");
        p.put("quarkus.kafka-streams.application-id", appId);
        p.put("clipstream.topics.raw", topicPrefix + ".pairs.raw");
        p.put("clipstream.topics.curated", topicPrefix + ".pairs.curated");
        p.put("clipstream.topics.rejected", topicPrefix + ".pairs.rejected");
        p.put("clipstream.topics.deadletter", topicPrefix + ".pairs.deadletter");
        p.put("clipstream.storage.bucket", bucket);
        p.put("clipstream.domains.producers.it.writes", "*");
        p.put("clipstream.domains.producers.it.default-domain", "it");
        p.put("kafka-streams.state.dir", stateDir.toString());
        p.put("kafka-streams.commit.interval.ms", "100");
        p.put("kafka-streams.consumer.session.timeout.ms", "6000");
        return p;
    }

    /** Starts the curator and waits until its streams are RUNNING. */
    public static ChildJvm start(Infra infra, Map<String, String> properties, Path log) {
        Path jar = Path.of(System.getProperty("curator.runner.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: the ITs run after 'package'");
        }
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Files.deleteIfExists(log); // the child appends; a previous run's lines must not count
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildJvm.Builder b = ChildJvm.builder("curator").jar(jar).logFile(log).jvmArgs("-Xmx384m", "-XX:+UseSerialGC");
        // exactly the environment the README documents for running the jar
        b.env("KAFKA_BOOTSTRAP_SERVERS", infra.kafkaBootstrapServers())
                .env("CLIPSTREAM_STORAGE_ENDPOINT", infra.s3Endpoint())
                .env("CLIPSTREAM_STORAGE_ACCESS_KEY", infra.s3AccessKey())
                .env("CLIPSTREAM_STORAGE_SECRET_KEY", infra.s3SecretKey())
                .env("CLIPSTREAM_STORAGE_REGION", infra.s3Region());
        // Kafka credentials as -D: the JAAS line does not survive env-var name mapping
        infra.kafkaSecurity().adminClientConfig().forEach((k, v) -> b.systemProperty("kafka." + k, v));
        properties.forEach(b::systemProperty);
        ChildJvm child = b.start();
        child.awaitLogLine("curator streams state RUNNING", Duration.ofSeconds(90));
        return child;
    }
}
