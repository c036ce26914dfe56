package io.clipstream.testkit;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * How to get the infrastructure. Every setting is read from a system property, else from the
 * environment variable of the same name upper-cased with {@code .} and {@code -} as {@code _}
 * ({@code clipstream.s3.access-key} -> {@code CLIPSTREAM_S3_ACCESS_KEY}).
 *
 * @param mode                  {@code clipstream.infra}: embedded (default) | containers | external
 * @param kafkaBootstrap        {@code clipstream.kafka.bootstrap}: external mode only
 * @param s3Endpoint            {@code clipstream.s3.endpoint}: external mode only
 * @param s3AccessKey           {@code clipstream.s3.access-key}
 * @param s3SecretKey           {@code clipstream.s3.secret-key}
 * @param s3Region              {@code clipstream.s3.region}
 * @param kafkaAutoCreateTopics {@code clipstream.kafka.auto-create-topics} (embedded, containers)
 * @param kafkaPartitions       {@code clipstream.kafka.partitions}: default partitions of new topics (embedded,
 * containers)
 * @param kafkaBrokerProperties {@code clipstream.kafka.broker.<name>} system properties: extra server properties
 * (embedded)
 * @param startTimeout          {@code clipstream.infra.start-timeout}: seconds or ISO-8601, readiness wait per server
 * @param kafkaImage            {@code clipstream.kafka.image} (containers)
 * @param minioImage            {@code clipstream.minio.image} (containers)
 * @param kafkaSecure           {@code clipstream.kafka.secure}: SASL/SCRAM + ACLs on the embedded broker (default true;
 *                              false only to compare against an open broker)
 */
public record InfraOptions(
        Mode mode,
        String kafkaBootstrap,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey,
        String s3Region,
        boolean kafkaAutoCreateTopics,
        int kafkaPartitions,
        Map<String, String> kafkaBrokerProperties,
        Duration startTimeout,
        String kafkaImage,
        String minioImage,
        boolean kafkaSecure) {

    public static final String MODE = "clipstream.infra";
    public static final String KAFKA_BOOTSTRAP = "clipstream.kafka.bootstrap";
    public static final String S3_ENDPOINT = "clipstream.s3.endpoint";
    public static final String S3_ACCESS_KEY = "clipstream.s3.access-key";
    public static final String S3_SECRET_KEY = "clipstream.s3.secret-key";
    public static final String S3_REGION = "clipstream.s3.region";
    public static final String KAFKA_AUTO_CREATE_TOPICS = "clipstream.kafka.auto-create-topics";
    public static final String KAFKA_PARTITIONS = "clipstream.kafka.partitions";
    public static final String KAFKA_BROKER_PREFIX = "clipstream.kafka.broker.";
    public static final String START_TIMEOUT = "clipstream.infra.start-timeout";
    public static final String KAFKA_IMAGE = "clipstream.kafka.image";
    public static final String MINIO_IMAGE = "clipstream.minio.image";
    public static final String KAFKA_SECURE = "clipstream.kafka.secure";

    public enum Mode {
        EMBEDDED,
        CONTAINERS,
        EXTERNAL;

        public static Mode parse(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(MODE + " / " + envName(MODE)
                        + " must be embedded, containers or external, not '" + value + "'");
            }
        }
    }

    public InfraOptions {
        if (kafkaPartitions < 1) {
            throw new IllegalArgumentException(KAFKA_PARTITIONS + " must be >= 1, not " + kafkaPartitions);
        }
        kafkaBrokerProperties = Map.copyOf(kafkaBrokerProperties);
    }

    public static InfraOptions defaults() {
        return new InfraOptions(
                Mode.EMBEDDED,
                null,
                null,
                "clipstream",
                "clipstream-secret",
                "us-east-1",
                true,
                1,
                Map.of(),
                Duration.ofSeconds(120),
                "apache/kafka:4.1.1",
                "minio/minio:RELEASE.2023-09-04T19-57-37Z",
                true);
    }

    /** From this JVM's system properties and environment. */
    public static InfraOptions fromEnvironment() {
        return from(System.getProperties(), System.getenv());
    }

    /** From the given system properties and environment (system properties win). */
    public static InfraOptions from(Map<?, ?> systemProperties, Map<String, String> env) {
        InfraOptions d = defaults();
        Map<String, String> broker = new TreeMap<>();
        systemProperties.forEach((k, v) -> {
            if (k instanceof String key && key.startsWith(KAFKA_BROKER_PREFIX) && v != null) {
                broker.put(key.substring(KAFKA_BROKER_PREFIX.length()), v.toString());
            }
        });
        String mode = setting(systemProperties, env, MODE);
        String autoCreate = setting(systemProperties, env, KAFKA_AUTO_CREATE_TOPICS);
        String partitions = setting(systemProperties, env, KAFKA_PARTITIONS);
        String timeout = setting(systemProperties, env, START_TIMEOUT);
        String secure = setting(systemProperties, env, KAFKA_SECURE);
        return new InfraOptions(
                mode == null ? d.mode : Mode.parse(mode),
                or(setting(systemProperties, env, KAFKA_BOOTSTRAP), d.kafkaBootstrap),
                or(setting(systemProperties, env, S3_ENDPOINT), d.s3Endpoint),
                or(setting(systemProperties, env, S3_ACCESS_KEY), d.s3AccessKey),
                or(setting(systemProperties, env, S3_SECRET_KEY), d.s3SecretKey),
                or(setting(systemProperties, env, S3_REGION), d.s3Region),
                autoCreate == null ? d.kafkaAutoCreateTopics : parseBoolean(KAFKA_AUTO_CREATE_TOPICS, autoCreate),
                partitions == null ? d.kafkaPartitions : parseInt(KAFKA_PARTITIONS, partitions),
                broker,
                timeout == null ? d.startTimeout : parseDuration(START_TIMEOUT, timeout),
                or(setting(systemProperties, env, KAFKA_IMAGE), d.kafkaImage),
                or(setting(systemProperties, env, MINIO_IMAGE), d.minioImage),
                secure == null ? d.kafkaSecure : parseBoolean(KAFKA_SECURE, secure));
    }

    /** {@code clipstream.s3.access-key} -> {@code CLIPSTREAM_S3_ACCESS_KEY}. */
    public static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The system property {@code key}, else its environment variable; null when neither is set or blank. */
    static String setting(Map<?, ?> systemProperties, Map<String, String> env, String key) {
        Object value = systemProperties.get(key);
        if (value == null || value.toString().isBlank()) {
            value = env.get(envName(key));
        }
        return value == null || value.toString().isBlank()
                ? null
                : value.toString().trim();
    }

    public InfraOptions withMode(Mode mode) {
        return new InfraOptions(
                mode,
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                kafkaAutoCreateTopics,
                kafkaPartitions,
                kafkaBrokerProperties,
                startTimeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    /** External mode with the given endpoints. */
    public InfraOptions withExternal(String kafkaBootstrap, String s3Endpoint) {
        return new InfraOptions(
                Mode.EXTERNAL,
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                kafkaAutoCreateTopics,
                kafkaPartitions,
                kafkaBrokerProperties,
                startTimeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    public InfraOptions withS3Credentials(String accessKey, String secretKey) {
        return new InfraOptions(
                mode,
                kafkaBootstrap,
                s3Endpoint,
                accessKey,
                secretKey,
                s3Region,
                kafkaAutoCreateTopics,
                kafkaPartitions,
                kafkaBrokerProperties,
                startTimeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    public InfraOptions withKafkaAutoCreateTopics(boolean autoCreate) {
        return new InfraOptions(
                mode,
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                autoCreate,
                kafkaPartitions,
                kafkaBrokerProperties,
                startTimeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    public InfraOptions withKafkaPartitions(int partitions) {
        return new InfraOptions(
                mode,
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                kafkaAutoCreateTopics,
                partitions,
                kafkaBrokerProperties,
                startTimeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    public InfraOptions withKafkaBrokerProperty(String name, String value) {
        Map<String, String> broker = new LinkedHashMap<>(kafkaBrokerProperties);
        broker.put(name, value);
        return new InfraOptions(
                mode,
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                kafkaAutoCreateTopics,
                kafkaPartitions,
                broker,
                startTimeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    public InfraOptions withStartTimeout(Duration timeout) {
        return new InfraOptions(
                mode,
                kafkaBootstrap,
                s3Endpoint,
                s3AccessKey,
                s3SecretKey,
                s3Region,
                kafkaAutoCreateTopics,
                kafkaPartitions,
                kafkaBrokerProperties,
                timeout,
                kafkaImage,
                minioImage,
                kafkaSecure);
    }

    private static String or(String value, String fallback) {
        return value != null ? value : fallback;
    }

    private static boolean parseBoolean(String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1" -> true;
            case "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, not '" + value + "'");
        };
    }

    private static int parseInt(String key, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, not '" + value + "'");
        }
    }

    private static Duration parseDuration(String key, String value) {
        try {
            return value.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(value))
                    : Duration.parse(value);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(
                    key + " must be seconds or an ISO-8601 duration (PT2M), not '" + value + "'");
        }
    }
}
