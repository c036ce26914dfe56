package io.clipstream.testkit;

import java.util.List;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/** The {@code containers} mode; a class of its own so that Testcontainers is loaded only when asked for. */
final class ContainersInfra {

    private ContainersInfra() {}

    static Infra start(InfraOptions options) {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            throw new IllegalStateException(InfraOptions.MODE
                    + "=containers needs a Docker engine, and Testcontainers found none"
                    + " (DOCKER_HOST, /var/run/docker.sock, ~/.testcontainers.properties). Use " + InfraOptions.MODE
                    + "=embedded (the default: broker and S3 server as child JVMs) or external.");
        }
        KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(options.kafkaImage()))
                .withEnv("KAFKA_AUTO_CREATE_TOPICS_ENABLE", Boolean.toString(options.kafkaAutoCreateTopics()))
                .withEnv("KAFKA_NUM_PARTITIONS", Integer.toString(options.kafkaPartitions()))
                .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0");
        MinIOContainer minio = new MinIOContainer(DockerImageName.parse(options.minioImage()))
                .withUserName(options.s3AccessKey())
                .withPassword(options.s3SecretKey());
        try {
            Startables.deepStart(kafka, minio).join();
        } catch (RuntimeException e) {
            kafka.stop();
            minio.stop();
            throw e;
        }
        return new Infra(
                InfraOptions.Mode.CONTAINERS,
                kafka.getBootstrapServers(),
                KafkaSecurity.none(),
                minio.getS3URL(),
                minio.getUserName(),
                minio.getPassword(),
                options.s3Region(),
                List.of(kafka::stop, minio::stop),
                false);
    }
}
