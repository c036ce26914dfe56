package io.clipstream.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import io.clipstream.testkit.internal.KafkaLauncher;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker + controller in one process), run as a
 * child JVM from Maven Central artifacts, with its data in a temp directory removed on close.
 */
public final class EmbeddedKafka implements AutoCloseable {

    public static final String KAFKA_VERSION = "4.1.1";
    static final String[] ARTIFACTS = {
            "org.apache.kafka:kafka_2.13:" + KAFKA_VERSION,
            // Kafka 4.x logs through slf4j 1.7 and ships no binding: without this the broker logs nothing.
            "org.apache.logging.log4j:log4j-slf4j-impl:2.24.3",
    };

    private final ChildJvm process;
    private final String bootstrapServers;
    private final Path dir;

    private EmbeddedKafka(ChildJvm process, String bootstrapServers, Path dir) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.dir = dir;
    }

    /** Starts a broker with the Kafka settings of {@code options}. */
    public static EmbeddedKafka start(InfraOptions options) {
        List<Path> classpath = MavenArtifacts.classpath(ARTIFACTS);
        Path dir;
        try {
            dir = Files.createTempDirectory("clipstream-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildJvm broker = null;
        try {
            int port = freePort();
            int controllerPort = freePort();
            Path config = dir.resolve("server.properties");
            Files.writeString(config, serverProperties(dir, port, controllerPort, options));
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, LOG4J2);

            List<Path> jvmClasspath = new ArrayList<>(classpath);
            jvmClasspath.add(ChildJvm.classJar(KafkaLauncher.class, Map.of()));
            broker = ChildJvm.builder("kafka")
                    .classpath(jvmClasspath)
                    .jvmArgs("-Xmx512m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true")
                    .systemProperty("log4j2.configurationFile", log4j.toString())
                    .mainClass(KafkaLauncher.class.getName())
                    .args(Uuid.randomUuid().toString(), config.toString())
                    .workDir(dir)
                    .logFile(dir.resolve("kafka.log"))
                    .deleteOnStop(dir)
                    .start();
            long deadline = System.nanoTime() + options.startTimeout().toNanos();
            broker.awaitLogLine("Kafka Server started", options.startTimeout());
            String bootstrap = "127.0.0.1:" + port;
            awaitAdmin(broker, bootstrap, deadline);
            return new EmbeddedKafka(broker, bootstrap, dir);
        } catch (IOException | RuntimeException e) {
            if (broker != null) {
                broker.kill();
            }
            ChildJvm.deleteRecursively(dir);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public ChildJvm process() {
        return process;
    }

    /** Where the broker keeps its config, logs and data (deleted on close). */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        process.stopGracefully(Duration.ofSeconds(15));
    }

    static String serverProperties(Path dir, int port, int controllerPort, InfraOptions options) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.put("log.dirs", dir.resolve("data").toString());
        p.put("num.partitions", Integer.toString(options.kafkaPartitions()));
        p.put("auto.create.topics.enable", Boolean.toString(options.kafkaAutoCreateTopics()));
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1"); // 50 by default: slow first consumer group on 2 cores
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024)); // 128 MB of a 512 MB heap otherwise
        p.putAll(options.kafkaBrokerProperties());
        return p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    private static void awaitAdmin(ChildJvm broker, String bootstrap, long deadlineNanos) {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        try (Admin admin = Admin.create(config)) {
            Exception last = null;
            while (System.nanoTime() < deadlineNanos) {
                broker.requireAlive("while starting");
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000)).nodes().get(6, TimeUnit.SECONDS);
                    return;
                } catch (Exception e) {
                    last = e;
                    ChildJvm.sleep(200);
                }
            }
            throw new IllegalStateException("kafka broker at " + bootstrap + " does not answer describeCluster (" + last
                    + "); log " + broker.logFile() + ":\n" + broker.logTail(40));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static final String LOG4J2 = """
            status = warn
            appender.out.type = Console
            appender.out.name = STDOUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            rootLogger.level = INFO
            rootLogger.appenderRefs = out
            rootLogger.appenderRef.out.ref = STDOUT
            # chatty at INFO and rarely useful in tests
            logger.state.name = state.change.logger
            logger.state.level = WARN
            logger.clients.name = org.apache.kafka.clients
            logger.clients.level = WARN
            logger.controller.name = org.apache.kafka.controller
            logger.controller.level = WARN
            logger.metadata.name = org.apache.kafka.image
            logger.metadata.level = WARN
            """;
}
