package io.clipstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * An S3-compatible server (S3Proxy with its filesystem backend) run as a child JVM from its Maven Central
 * fat jar; buckets live in a temp directory removed on close. Path-style addressing, AWS v2 or v4 signatures.
 */
public final class EmbeddedS3 implements AutoCloseable {

    public static final String ARTIFACT = "org.gaul:s3proxy:jar:jar-with-dependencies:4.1.0";

    private final ChildJvm process;
    private final String endpoint;
    private final Path dir;

    private EmbeddedS3(ChildJvm process, String endpoint, Path dir) {
        this.process = process;
        this.endpoint = endpoint;
        this.dir = dir;
    }

    public static EmbeddedS3 start(String accessKey, String secretKey, Duration timeout) {
        Path jar = MavenArtifacts.artifact(ARTIFACT);
        Path dir;
        try {
            dir = Files.createTempDirectory("clipstream-s3-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChildJvm server = null;
        try {
            String endpoint = "http://127.0.0.1:" + EmbeddedKafka.freePort();
            Path data = Files.createDirectories(dir.resolve("data"));
            Path conf = dir.resolve("s3proxy.conf");
            Files.writeString(
                    conf,
                    String.join(
                            "\n",
                            "s3proxy.endpoint=" + endpoint,
                            "s3proxy.authorization=aws-v2-or-v4",
                            "s3proxy.identity=" + accessKey,
                            "s3proxy.credential=" + secretKey,
                            "jclouds.provider=filesystem",
                            "jclouds.filesystem.basedir=" + data,
                            ""));
            server = ChildJvm.builder("s3proxy")
                    .classpath(List.of(jar))
                    .mainClass("org.gaul.s3proxy.Main")
                    .jvmArgs(ChildJvm.SHORT_LIVED)
                    .jvmArgs("-Xmx256m", "-Djava.awt.headless=true")
                    .args("--properties", conf.toString())
                    .workDir(dir)
                    .logFile(dir.resolve("s3proxy.log"))
                    .deleteOnStop(dir)
                    .start();
            awaitHttp(server, endpoint, timeout);
            return new EmbeddedS3(server, endpoint, dir);
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.kill();
            }
            ChildJvm.deleteRecursively(dir);
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public ChildJvm process() {
        return process;
    }

    /** Config, log and bucket data (under {@code data/}); deleted on close. */
    public Path directory() {
        return dir;
    }

    @Override
    public void close() {
        process.stopGracefully(Duration.ofSeconds(10));
    }

    /** Ready when any HTTP answer comes back (an anonymous request gets 403, which is fine). */
    private static void awaitHttp(ChildJvm server, String endpoint, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint + "/"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        Exception last = null;
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            while (System.nanoTime() < deadline) {
                server.requireAlive("while starting");
                try {
                    http.send(request, HttpResponse.BodyHandlers.discarding());
                    return;
                } catch (IOException e) {
                    last = e;
                    ChildJvm.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }
        throw new IllegalStateException("s3proxy at " + endpoint + " did not answer HTTP within " + timeout + " ("
                + last + "); log " + server.logFile() + ":\n" + server.logTail(40));
    }
}
