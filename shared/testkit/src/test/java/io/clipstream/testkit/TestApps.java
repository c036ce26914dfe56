package io.clipstream.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** Tiny main classes run as child JVMs by {@link InfraIT}. */
final class TestApps {

    private TestApps() {}

    /** The classpath of this test JVM (failsafe's manifest-only jar works as well). */
    static List<Path> classpath() {
        return Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of)
                .toList();
    }

    /** Prints "ready", sleeps; prints "bye" from a shutdown hook. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("bye")));
            System.out.println("ready");
            Thread.sleep(Duration.ofMinutes(5));
        }
    }

    /** Starts a {@link Sleeper} as its own child (logging to args[0]), prints its pid, sleeps. */
    public static final class Spawner {
        public static void main(String[] args) throws InterruptedException {
            ChildJvm child = ChildJvm.builder("grandchild")
                    .classpath(classpath())
                    .mainClass(Sleeper.class.getName())
                    .logFile(Path.of(args[0]))
                    .start();
            child.awaitLogLine("ready", Duration.ofSeconds(30));
            System.out.println("grandchild pid " + child.pid());
            Thread.sleep(Duration.ofMinutes(5));
        }
    }
}
