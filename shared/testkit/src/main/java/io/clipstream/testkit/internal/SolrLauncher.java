package io.clipstream.testkit.internal;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Main class of the embedded SolrCloud JVM: a {@code MiniSolrCloudCluster} (solr-test-framework: real Solr nodes in
 * Jetty and an embedded ZooKeeper) in one JVM, which prints {@code clipstream-solr ready urls=<url>,<url>} once every
 * node is live and runs until the JVM is stopped. Copied alone into a jar on Solr's classpath (Solr 9 brings Lucene 9,
 * which must not meet a Lucene 10 service), so it reaches Solr by reflection only.
 *
 * <p>Arguments: {@code <cluster-dir> <nodes>}.
 */
public final class SolrLauncher {

    private SolrLauncher() {}

    public static void main(String[] args) throws Throwable {
        Class<?> builderType = Class.forName("org.apache.solr.cloud.MiniSolrCloudCluster$Builder");
        Object builder = builderType
                .getConstructor(int.class, Path.class)
                .newInstance(Integer.parseInt(args[1]), Path.of(args[0]));
        Object cluster = call(builderType.getMethod("build"), builder);
        List<String> urls = new ArrayList<>();
        for (Object jetty : (List<?>) call(cluster.getClass().getMethod("getJettySolrRunners"), cluster)) {
            urls.add(call(jetty.getClass().getMethod("getBaseUrl"), jetty).toString());
        }
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                cluster.getClass().getMethod("shutdown").invoke(cluster);
                            } catch (ReflectiveOperationException e) {
                                e.printStackTrace();
                            }
                        },
                        "solr-shutdown"));
        System.out.println("clipstream-solr ready urls=" + String.join(",", urls));
        System.out.flush();
        Thread.currentThread().join();
    }

    private static Object call(java.lang.reflect.Method m, Object target) throws Throwable {
        try {
            return m.invoke(target);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
