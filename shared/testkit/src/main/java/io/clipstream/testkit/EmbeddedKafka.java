package io.clipstream.testkit;

import io.clipstream.contracts.KafkaAcls;
import io.clipstream.contracts.TopicSpecs;
import io.clipstream.testkit.internal.KafkaLauncher;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Apache Kafka broker in KRaft mode (broker + controller in one process), run as a
 * child JVM from Maven Central artifacts, with its data in a temp directory removed on close.
 * <p>
 * Locked down like production: clients authenticate with SASL/SCRAM-SHA-512 (users created when
 * the storage is formatted, see {@link KafkaSecurity}), the StandardAuthorizer denies what no ACL
 * allows, and the ACLs of {@link KafkaAcls} (from the topic list in shared/contracts) are in place
 * before the broker is handed out. Only {@code admin} is a super user. The controller listener
 * uses SASL/PLAIN with the admin's credentials and is never advertised.
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
    private final KafkaSecurity security;

    private EmbeddedKafka(ChildJvm process, String bootstrapServers, Path dir, KafkaSecurity security) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.dir = dir;
        this.security = security;
    }

    /**
     * Starts a broker with the Kafka settings of {@code options}. A port taken by another process
     * between choosing it and the broker binding it costs a retry with fresh ports, not the run.
     */
    public static EmbeddedKafka start(InfraOptions options) {
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnce(options);
            } catch (IllegalStateException e) {
                if (attempt >= 3 || !String.valueOf(e.getMessage()).contains("Address already in use")) {
                    throw e;
                }
                System.err.println("clipstream-testkit: a broker port was taken meanwhile; starting again on others");
            }
        }
    }

    private static EmbeddedKafka startOnce(InfraOptions options) {
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
            KafkaSecurity security = options.kafkaSecure() ? KafkaSecurity.generate() : KafkaSecurity.none();
            Path config = dir.resolve("server.properties");
            Files.writeString(config, serverProperties(dir, port, controllerPort, options, security));
            List<String> launcherArgs =
                    new ArrayList<>(List.of(Uuid.randomUuid().toString(), config.toString()));
            security.passwords()
                    .forEach((user, password) -> launcherArgs.add(
                            KafkaSecurity.MECHANISM + "=[name=" + user + ",password=" + password + "]"));
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, LOG4J2);

            List<Path> jvmClasspath = new ArrayList<>(classpath);
            jvmClasspath.add(ChildJvm.classJar(KafkaLauncher.class, Map.of()));
            broker = ChildJvm.builder("kafka")
                    .classpath(jvmClasspath)
                    .jvmArgs(ChildJvm.SHORT_LIVED)
                    .jvmArgs("-Xmx512m", "-Djava.awt.headless=true")
                    .systemProperty("log4j2.configurationFile", log4j.toString())
                    .mainClass(KafkaLauncher.class.getName())
                    .args(launcherArgs)
                    .workDir(dir)
                    .logFile(dir.resolve("kafka.log"))
                    .deleteOnStop(dir)
                    .start();
            long deadline = System.nanoTime() + options.startTimeout().toNanos();
            broker.awaitLogLine("Kafka Server started", options.startTimeout());
            String bootstrap = "127.0.0.1:" + port;
            Map<String, Object> admin = new LinkedHashMap<>(security.adminClientConfig());
            admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            awaitAdmin(broker, admin, deadline);
            if (security.enabled()) {
                createAcls(admin);
            }
            return new EmbeddedKafka(broker, bootstrap, dir, security);
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

    /** The users and passwords of this broker ({@link KafkaSecurity#none()} when unsecured). */
    public KafkaSecurity security() {
        return security;
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

    static String serverProperties(
            Path dir, int port, int controllerPort, InfraOptions options, KafkaSecurity security) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.put("listeners", "CLIENT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "CLIENT://127.0.0.1:" + port);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "CLIENT");
        if (security.enabled()) {
            String admin = KafkaSecurity.ADMIN;
            String password = security.passwords().get(admin);
            p.put("listener.security.protocol.map", "CONTROLLER:SASL_PLAINTEXT,CLIENT:SASL_PLAINTEXT");
            p.put("sasl.enabled.mechanisms", KafkaSecurity.MECHANISM + ",PLAIN");
            p.put("listener.name.client.sasl.enabled.mechanisms", KafkaSecurity.MECHANISM);
            p.put("sasl.mechanism.inter.broker.protocol", KafkaSecurity.MECHANISM);
            p.put("listener.name.client.scram-sha-512.sasl.jaas.config", KafkaSecurity.jaas(admin, password));
            // SCRAM users live in the metadata log, which the controller serves: it authenticates with PLAIN
            p.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.controller.protocol", "PLAIN");
            p.put(
                    "listener.name.controller.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + admin
                            + "\" password=\"" + password + "\" user_" + admin + "=\"" + password + "\";");
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("super.users", "User:" + admin);
            p.put("allow.everyone.if.no.acl.found", "false");
        } else {
            p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,CLIENT:PLAINTEXT");
        }
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
        p.put(
                "log.cleaner.dedupe.buffer.size",
                Integer.toString(16 * 1024 * 1024)); // 128 MB of a 512 MB heap otherwise
        p.putAll(options.kafkaBrokerProperties());
        return p.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
    }

    private static void awaitAdmin(ChildJvm broker, Map<String, Object> adminConfig, long deadlineNanos) {
        Map<String, Object> config = new LinkedHashMap<>(adminConfig);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        Object bootstrap = config.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(config)) {
            Exception last = null;
            while (System.nanoTime() < deadlineNanos) {
                broker.requireAlive("while starting");
                try {
                    admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
                            .nodes()
                            .get(6, TimeUnit.SECONDS);
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

    private static void createAcls(Map<String, Object> adminConfig) {
        try (Admin admin = Admin.create(adminConfig)) {
            admin.createAcls(KafkaAcls.bindings(TopicSpecs.ALL)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the ACLs of the embedded broker: " + e, e);
        }
    }

    /** Ports handed out in this JVM: two servers started at once must never be given the same one. */
    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();

    /** A port free now, and never returned before by this JVM (the OS may offer a just-closed port again). */
    static synchronized int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                socket.setReuseAddress(true);
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            }
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
