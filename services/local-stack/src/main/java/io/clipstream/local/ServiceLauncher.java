package io.clipstream.local;

import io.clipstream.contracts.Principal;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import io.clipstream.testkit.InfraOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Starts a ClipStream Quarkus service from its built jar ({@code services/<name>/target/quarkus-app})
 * as a child JVM wired to the given infrastructure, and waits until its readiness check is UP.
 */
public final class ServiceLauncher {
    private final Path repoRoot;
    private final Path logDir;

    public ServiceLauncher(Path repoRoot, Path logDir) {
        this.repoRoot = repoRoot;
        this.logDir = logDir;
    }

    /** A running service: its process and its HTTP base URI. */
    public record RunningService(String name, ChildJvm process, URI uri) implements AutoCloseable {
        @Override
        public void close() {
            process.stopGracefully(Duration.ofSeconds(20));
        }
    }

    /**
     * Starts {@code service}, connected to Kafka as {@code principal} (its ACLs are the ones it gets in production).
     */
    public RunningService start(
            String service,
            Principal principal,
            Infra infra,
            Map<String, String> config,
            Duration timeout,
            String... extraJvmArgs) {
        return start(service, principal, infra, config, Map.of(), timeout, extraJvmArgs);
    }

    /** The same, with environment variables of its own (as its deploy files set them). */
    public RunningService start(
            String service,
            Principal principal,
            Infra infra,
            Map<String, String> config,
            Map<String, String> env,
            Duration timeout,
            String... extraJvmArgs) {
        Path jar = repoRoot.resolve("services").resolve(service).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first with ./mvnw install -DskipTests");
        }
        int port = freePort();
        Path stateDir = createStateDir(service);
        ChildJvm.Builder b = ChildJvm.builder(service)
                .jar(jar)
                .jvmArgs(jvmArgs(extraJvmArgs))
                .logFile(logDir.resolve(service + ".log"))
                .systemProperty("quarkus.http.port", Integer.toString(port))
                .systemProperty("quarkus.http.host", "127.0.0.1")
                // Local state (Kafka Streams stores) belongs to this run's broker: a store left by an
                // earlier run against another broker would remember pairs this broker never saw.
                .systemProperty("kafka-streams.state.dir", stateDir.toString())
                .deleteOnStop(stateDir);
        // as docker-compose.yml and deploy/k8s configure them: environment variables
        infra.quarkusConfig(principal).forEach((k, v) -> b.env(InfraOptions.envName(k), v));
        env.forEach(b::env);
        config.forEach(b::systemProperty);
        ChildJvm process = b.start();
        URI uri = URI.create("http://127.0.0.1:" + port);
        try {
            process.awaitLogLine("started in", timeout);
            awaitReady(process, uri, timeout);
        } catch (RuntimeException e) {
            process.kill();
            throw new IllegalStateException(
                    service + " did not become ready; log " + process.logFile() + ":\n" + process.logTail(40), e);
        }
        return new RunningService(service, process, uri);
    }

    private static String[] jvmArgs(String... extra) {
        String[] out = new String[2 + extra.length];
        out[0] = "-Xmx512m";
        out[1] = "-XX:+UseSerialGC";
        System.arraycopy(extra, 0, out, 2, extra.length);
        return out;
    }

    private static void awaitReady(ChildJvm process, URI uri, Duration timeout) {
        process.awaitHttp(uri.resolve("/q/health/ready"), r -> r.statusCode() == 200, timeout);
    }

    private static Path createStateDir(String service) {
        try {
            return Files.createTempDirectory("clipstream-" + service + "-state");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
