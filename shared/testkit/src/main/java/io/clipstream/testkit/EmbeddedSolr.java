package io.clipstream.testkit;

import io.clipstream.testkit.internal.SolrLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real SolrCloud for tests: Apache Solr 9.10.1 nodes and an embedded ZooKeeper in a JVM of their own
 * ({@code MiniSolrCloudCluster} of {@code org.apache.solr:solr-test-framework}, from Maven Central), reached over HTTP
 * at {@link #solrUrls()}. Solr's HNSW is Lucene's: the same dense-vector search as the embedded index.
 */
public final class EmbeddedSolr implements AutoCloseable {
    public static final String SOLR_VERSION = "9.10.1";
    static final String[] ARTIFACTS = {"org.apache.solr:solr-test-framework:" + SOLR_VERSION};
    private static final Pattern READY = Pattern.compile("clipstream-solr ready urls=(\\S+)");
    private static final String LOG4J2 = """
            rootLogger.level = WARN
            rootLogger.appenderRef.out.ref = OUT
            appender.out.type = Console
            appender.out.name = OUT
            appender.out.layout.type = PatternLayout
            appender.out.layout.pattern = [%d] %p %m (%c)%n
            """;

    private final ChildJvm process;
    private final List<String> urls;

    private EmbeddedSolr(ChildJvm process, List<String> urls) {
        this.process = process;
        this.urls = urls;
    }

    /** Starts {@code nodes} Solr nodes; returns once each answers. */
    public static EmbeddedSolr start(int nodes, Duration timeout) {
        List<Path> classpath = new ArrayList<>(MavenArtifacts.classpath(ARTIFACTS));
        Path dir;
        try {
            dir = Files.createTempDirectory("clipstream-solr-");
            Files.writeString(dir.resolve("log4j2.properties"), LOG4J2);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        classpath.add(ChildJvm.classJar(SolrLauncher.class, Map.of()));
        ChildJvm solr = ChildJvm.builder("solr")
                .classpath(classpath)
                .jvmArgs(ChildJvm.SHORT_LIVED)
                .jvmArgs("-Xmx768m", "-Djava.awt.headless=true")
                .systemProperty(
                        "log4j2.configurationFile",
                        dir.resolve("log4j2.properties").toString())
                .systemProperty("solr.log.dir", dir.resolve("logs").toString())
                // as Solr's own benchmarks run it outside a test: no merge waits on close, generated PKI keys, no
                // metrics
                .systemProperty("doNotWaitForMergesOnIWClose", "true")
                .systemProperty("pkiHandlerPrivateKeyPath", "")
                .systemProperty("pkiHandlerPublicKeyPath", "")
                .systemProperty("metricsEnabled", "false")
                .mainClass(SolrLauncher.class.getName())
                .args(dir.resolve("cluster").toString(), Integer.toString(nodes))
                .workDir(dir)
                .logFile(dir.resolve("solr.log"))
                .deleteOnStop(dir)
                .start();
        try {
            Matcher m = READY.matcher(solr.awaitLogLine(READY.pattern(), timeout));
            if (!m.find()) {
                throw new IllegalStateException("no node URLs in Solr's ready line");
            }
            List<String> urls = Arrays.asList(m.group(1).split(","));
            awaitLiveNodes(solr, urls.get(0), nodes, timeout);
            return new EmbeddedSolr(solr, List.copyOf(urls));
        } catch (RuntimeException e) {
            String tail = solr.logTail(40);
            solr.kill();
            throw new IllegalStateException("Solr did not start: " + e.getMessage() + "\n" + tail, e);
        }
    }

    private static void awaitLiveNodes(ChildJvm solr, String url, int nodes, Duration timeout) {
        solr.awaitHttp(
                URI.create(url + "/admin/collections?action=CLUSTERSTATUS&wt=json"),
                r -> {
                    if (r.statusCode() != 200) {
                        return false;
                    }
                    try {
                        return io.clipstream.contracts.Json.mapper()
                                        .readTree(r.body())
                                        .at("/cluster/live_nodes")
                                        .size()
                                >= nodes;
                    } catch (IOException e) {
                        return false;
                    }
                },
                timeout);
    }

    /** Base URLs of the nodes, e.g. {@code http://127.0.0.1:40123/solr}. */
    public List<String> solrUrls() {
        return urls;
    }

    public ChildJvm process() {
        return process;
    }

    @Override
    public void close() {
        process.stopGracefully(Duration.ofSeconds(30));
    }
}
