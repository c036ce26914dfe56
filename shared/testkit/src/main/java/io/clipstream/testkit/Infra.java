package io.clipstream.testkit;

import io.clipstream.contracts.Principal;
import io.clipstream.testkit.InfraOptions.Mode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A Kafka broker and an S3-compatible object store, however they are provided (see {@link InfraOptions}):
 * started here as child JVMs ({@code embedded}), as Testcontainers ({@code containers}), or already
 * running elsewhere ({@code external}).
 */
public final class Infra implements AutoCloseable {

    // A string literal is one object per JVM, even across class loaders (Quarkus tests use several).
    private static final String SHARED_LOCK = "io.clipstream.testkit.Infra.shared";
    private static final String SHARED_PREFIX = "testkit.io.clipstream.shared.";
    private static Infra shared;
    private static RuntimeException sharedFailure;

    private final Mode mode;
    private final String kafkaBootstrapServers;
    private final String s3Endpoint;
    private final String s3AccessKey;
    private final String s3SecretKey;
    private final String s3Region;
    private final KafkaSecurity kafkaSecurity;
    private final List<AutoCloseable> resources;
    private final boolean isShared;

    Infra(
            Mode mode,
            String kafkaBootstrapServers,
            KafkaSecurity kafkaSecurity,
            String s3Endpoint,
            String s3AccessKey,
            String s3SecretKey,
            String s3Region,
            List<AutoCloseable> resources,
            boolean isShared) {
        this.mode = mode;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.kafkaSecurity = kafkaSecurity;
        this.s3Endpoint = s3Endpoint;
        this.s3AccessKey = s3AccessKey;
        this.s3SecretKey = s3SecretKey;
        this.s3Region = s3Region;
        this.resources = List.copyOf(resources);
        this.isShared = isShared;
    }

    public static Infra start(InfraOptions options) {
        return switch (options.mode()) {
            case EMBEDDED -> startEmbedded(options);
            case CONTAINERS -> ContainersInfra.start(options);
            case EXTERNAL -> external(options);
        };
    }

    /**
     * One infrastructure per JVM, from {@link InfraOptions#fromEnvironment()}, started on first use and
     * stopped when the JVM exits; {@link #close()} on it does nothing. Its endpoints are published as
     * system properties, so code in another class loader of the same JVM gets the same servers.
     */
    public static Infra shared() {
        synchronized (SHARED_LOCK) {
            if (sharedFailure != null) { // fail fast instead of waiting for the same start timeout per test class
                throw new IllegalStateException(
                        "the shared ClipStream infrastructure failed to start: " + sharedFailure.getMessage(),
                        sharedFailure);
            }
            if (shared == null) {
                String kafka = System.getProperty(SHARED_PREFIX + "kafka");
                if (kafka != null) {
                    Map<String, String> passwords = new LinkedHashMap<>();
                    System.getProperties().forEach((k, v) -> {
                        if (k.toString().startsWith(SHARED_PREFIX + "kafka.user.")) {
                            passwords.put(
                                    k.toString().substring((SHARED_PREFIX + "kafka.user.").length()), v.toString());
                        }
                    });
                    shared = new Infra(
                            Mode.valueOf(System.getProperty(SHARED_PREFIX + "mode")),
                            kafka,
                            KafkaSecurity.of(passwords),
                            System.getProperty(SHARED_PREFIX + "s3.endpoint"),
                            System.getProperty(SHARED_PREFIX + "s3.access-key"),
                            System.getProperty(SHARED_PREFIX + "s3.secret-key"),
                            System.getProperty(SHARED_PREFIX + "s3.region"),
                            List.of(),
                            true);
                } else {
                    Infra started;
                    try {
                        started = start(InfraOptions.fromEnvironment());
                    } catch (RuntimeException e) {
                        sharedFailure = e;
                        throw e;
                    }
                    // Embedded children are stopped by ChildJvm's own shutdown hook.
                    if (started.mode == Mode.CONTAINERS) {
                        Runtime.getRuntime().addShutdownHook(new Thread(started::stop, "clipstream-infra-stop"));
                    }
                    shared = new Infra(
                            started.mode,
                            started.kafkaBootstrapServers,
                            started.kafkaSecurity,
                            started.s3Endpoint,
                            started.s3AccessKey,
                            started.s3SecretKey,
                            started.s3Region,
                            started.resources,
                            true);
                    System.setProperty(SHARED_PREFIX + "mode", shared.mode.name());
                    System.setProperty(SHARED_PREFIX + "s3.endpoint", shared.s3Endpoint);
                    System.setProperty(SHARED_PREFIX + "s3.access-key", shared.s3AccessKey);
                    System.setProperty(SHARED_PREFIX + "s3.secret-key", shared.s3SecretKey);
                    System.setProperty(SHARED_PREFIX + "s3.region", shared.s3Region);
                    shared.kafkaSecurity
                            .passwords()
                            .forEach((user, password) ->
                                    System.setProperty(SHARED_PREFIX + "kafka.user." + user, password));
                    System.setProperty(
                            SHARED_PREFIX + "kafka", shared.kafkaBootstrapServers); // last: it marks "published"
                }
            }
            return shared;
        }
    }

    public Mode mode() {
        return mode;
    }

    /** {@code host:port} list for {@code bootstrap.servers}. */
    public String kafkaBootstrapServers() {
        return kafkaBootstrapServers;
    }

    /** Who may connect to the broker, and how ({@link KafkaSecurity#none()} in containers and external mode). */
    public KafkaSecurity kafkaSecurity() {
        return kafkaSecurity;
    }

    /**
     * Everything a Kafka client needs to connect as the super user: bootstrap servers plus the SASL
     * settings. What tests and tools use; services connect as their own principal.
     */
    public Map<String, Object> kafkaClientConfig() {
        return withBootstrap(kafkaSecurity.adminClientConfig());
    }

    /** Bootstrap servers plus the SASL settings of one service's principal. */
    public Map<String, Object> kafkaClientConfig(Principal principal) {
        return withBootstrap(kafkaSecurity.clientConfig(principal));
    }

    /**
     * A producer of raw values under string keys, as the super user: how tests write the services' JSON records
     * (or records that are not JSON at all). The caller closes it.
     */
    public KafkaProducer<String, byte[]> bytesProducer() {
        return new KafkaProducer<>(kafkaClientConfig(), new StringSerializer(), new ByteArraySerializer());
    }

    /** A consumer of raw values under string keys, as the super user, in no group: assign partitions to it. */
    public KafkaConsumer<String, byte[]> bytesConsumer() {
        return new KafkaConsumer<>(kafkaClientConfig(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private Map<String, Object> withBootstrap(Map<String, String> auth) {
        Map<String, Object> c = new LinkedHashMap<>(auth);
        c.put("bootstrap.servers", kafkaBootstrapServers);
        return c;
    }

    /** S3 endpoint URL, e.g. {@code http://127.0.0.1:9000}; use path-style addressing. */
    public String s3Endpoint() {
        return s3Endpoint;
    }

    public String s3AccessKey() {
        return s3AccessKey;
    }

    public String s3SecretKey() {
        return s3SecretKey;
    }

    public String s3Region() {
        return s3Region;
    }

    /** Creates topics that do not exist yet; see {@link Topics}. */
    public void createTopics(NewTopic... topics) {
        Topics.create(kafkaClientConfig(), java.util.Arrays.asList(topics));
    }

    /**
     * The configuration a ClipStream Quarkus service needs to use this infrastructure, connecting to
     * Kafka as the super user (tests use their own topic names and application ids, which no
     * service ACL covers).
     */
    public Map<String, String> quarkusConfig() {
        return quarkusConfig(kafkaSecurity.adminClientConfig());
    }

    /**
     * As {@link #quarkusConfig()}, connecting to Kafka as {@code principal} the way a deployed service
     * is configured: {@code kafka.security.protocol}, {@code clipstream.kafka.user} and
     * {@code clipstream.kafka.password}, from which the service's application.properties builds its
     * JAAS line.
     */
    public Map<String, String> quarkusConfig(Principal principal) {
        Map<String, String> config = quarkusConfig(Map.of());
        if (kafkaSecurity.enabled()) {
            config.put(
                    "kafka.security.protocol",
                    kafkaSecurity.clientConfig(principal).get("security.protocol"));
            config.put("clipstream.kafka.user", principal.user());
            config.put("clipstream.kafka.password", kafkaSecurity.passwords().get(principal.user()));
        }
        return config;
    }

    private Map<String, String> quarkusConfig(Map<String, String> kafkaAuth) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafkaBootstrapServers);
        kafkaAuth.forEach((k, v) -> config.put("kafka." + k, v));
        config.put("quarkus.kafka-streams.bootstrap-servers", kafkaBootstrapServers);
        config.put("clipstream.storage.endpoint", s3Endpoint);
        config.put("clipstream.storage.access-key", s3AccessKey);
        config.put("clipstream.storage.secret-key", s3SecretKey);
        config.put("clipstream.storage.region", s3Region);
        config.put("quarkus.devservices.enabled", "false");
        return config;
    }

    /**
     * Environment variables for processes using this infrastructure: those of {@link #quarkusConfig()}
     * plus the testkit's own external-mode settings, so that {@code CLIPSTREAM_INFRA=external} reuses it.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        quarkusConfig().forEach((k, v) -> env.put(InfraOptions.envName(k), v));
        env.put(InfraOptions.envName(InfraOptions.KAFKA_BOOTSTRAP), kafkaBootstrapServers);
        env.put(InfraOptions.envName(InfraOptions.S3_ENDPOINT), s3Endpoint);
        env.put(InfraOptions.envName(InfraOptions.S3_ACCESS_KEY), s3AccessKey);
        env.put(InfraOptions.envName(InfraOptions.S3_SECRET_KEY), s3SecretKey);
        env.put(InfraOptions.envName(InfraOptions.S3_REGION), s3Region);
        return env;
    }

    /** Stops what this instance started (nothing for external mode, nothing for {@link #shared()}). */
    @Override
    public void close() {
        if (!isShared) {
            stop();
        }
    }

    @Override
    public String toString() {
        return "Infra[" + mode.name().toLowerCase() + ", kafka " + kafkaBootstrapServers + ", s3 " + s3Endpoint + "]";
    }

    private void stop() {
        List<ChildJvm> children = new ArrayList<>();
        for (AutoCloseable r : resources) {
            if (r instanceof EmbeddedKafka k) {
                children.add(k.process());
            } else if (r instanceof EmbeddedS3 s) {
                children.add(s.process());
            } else {
                closeQuietly(r);
            }
        }
        ChildJvm.stopAll(children, Duration.ofSeconds(15));
    }

    private static Infra startEmbedded(InfraOptions options) {
        CompletableFuture<EmbeddedS3> s3 = CompletableFuture.supplyAsync(
                () -> EmbeddedS3.start(options.s3AccessKey(), options.s3SecretKey(), options.startTimeout()));
        EmbeddedKafka kafka;
        try {
            kafka = EmbeddedKafka.start(options);
        } catch (RuntimeException e) {
            s3.thenAccept(EmbeddedS3::close);
            throw e;
        }
        try {
            EmbeddedS3 server = s3.join();
            return new Infra(
                    Mode.EMBEDDED,
                    kafka.bootstrapServers(),
                    kafka.security(),
                    server.endpoint(),
                    options.s3AccessKey(),
                    options.s3SecretKey(),
                    options.s3Region(),
                    List.of(kafka, server),
                    false);
        } catch (CompletionException e) {
            kafka.close();
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static Infra external(InfraOptions options) {
        List<String> missing = new ArrayList<>();
        if (options.kafkaBootstrap() == null) {
            missing.add(InfraOptions.KAFKA_BOOTSTRAP + " / " + InfraOptions.envName(InfraOptions.KAFKA_BOOTSTRAP));
        }
        if (options.s3Endpoint() == null) {
            missing.add(InfraOptions.S3_ENDPOINT + " / " + InfraOptions.envName(InfraOptions.S3_ENDPOINT));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("clipstream.infra=external needs " + String.join(" and ", missing));
        }
        return new Infra(
                Mode.EXTERNAL,
                options.kafkaBootstrap(),
                KafkaSecurity.none(),
                options.s3Endpoint(),
                options.s3AccessKey(),
                options.s3SecretKey(),
                options.s3Region(),
                List.of(),
                false);
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            System.err.println("clipstream-testkit: closing " + resource + " failed: " + e);
        }
    }
}
