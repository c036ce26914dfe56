package io.clipstream.testkit.internal;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;

/**
 * Main class of the embedded broker JVM: formats the KRaft storage, then runs {@code kafka.Kafka} in
 * the same JVM, which saves starting a second JVM for {@code kafka-storage format}. Copied alone into
 * a jar on the broker's classpath, so it reaches Kafka by reflection only.
 * <p>
 * Arguments: {@code <cluster-id> <server.properties> [SCRAM-SHA-512=[name=u,password=p] ...]}: the
 * SCRAM users are written into the bootstrap metadata when the storage is formatted.
 */
public final class KafkaLauncher {

    private KafkaLauncher() {}

    public static void main(String[] args) throws Throwable {
        String clusterId = args[0];
        String config = args[1];
        java.util.List<String> format = new java.util.ArrayList<>(
                java.util.List.of("format", "--ignore-formatted", "-t", clusterId, "-c", config));
        for (int i = 2; i < args.length; i++) {
            format.add("--add-scram");
            format.add(args[i]);
        }
        int exit = (int) invoke(
                Class.forName("kafka.tools.StorageTool").getMethod("execute", String[].class, PrintStream.class),
                format.toArray(String[]::new),
                System.out);
        if (exit != 0) {
            System.err.println("kafka storage format failed with exit code " + exit);
            System.exit(exit);
        }
        invoke(Class.forName("kafka.Kafka").getMethod("main", String[].class), (Object) new String[] {config});
    }

    private static Object invoke(java.lang.reflect.Method method, Object... args) throws Throwable {
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
