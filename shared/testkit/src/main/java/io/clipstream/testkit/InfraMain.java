package io.clipstream.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/**
 * Runs the infrastructure for local work until killed (SIGTERM / Ctrl-C stop it cleanly). Writes the
 * endpoints as an env file, by default {@code .clipstream/infra.env}, removed again on exit.
 * <pre>java -cp ... io.clipstream.testkit.InfraMain [env-file]</pre>
 */
public final class InfraMain {

    private InfraMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        Path envFile =
                Path.of(args.length > 0 ? args[0] : ".clipstream/infra.env").toAbsolutePath();
        InfraOptions options = InfraOptions.fromEnvironment();
        System.out.println(
                "clipstream-testkit: starting " + options.mode().name().toLowerCase() + " infrastructure ...");
        long t0 = System.nanoTime();
        Infra infra = Infra.start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("clipstream-testkit: stopping ...");
                            infra.close();
                            try {
                                Files.deleteIfExists(envFile);
                            } catch (IOException ignored) {
                                // best effort
                            }
                            stopped.countDown();
                        },
                        "clipstream-infra-main-stop"));

        Files.createDirectories(envFile.getParent());
        String env = infra.environment().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n"));
        Files.writeString(envFile, env);
        System.out.printf(
                "clipstream-testkit: ready in %.1f s%n  Kafka bootstrap servers: %s%n  S3 endpoint: %s (access key "
                        + "%s, region %s)%n"
                        + "  env file: %s%n",
                (System.nanoTime() - t0) / 1e9,
                infra.kafkaBootstrapServers(),
                infra.s3Endpoint(),
                infra.s3AccessKey(),
                infra.s3Region(),
                envFile);
        stopped.await();
    }
}
