package io.clipstream.testkit;

import io.clipstream.testkit.internal.ParentWatchdog;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Java process started from this JVM with the same {@code java} executable, its stdout and stderr
 * going to one log file. Every child is stopped by a JVM shutdown hook, and a tiny agent in the child
 * makes it exit by itself if this JVM dies without running hooks (kill -9, a fork killed by surefire).
 */
public final class ChildJvm implements AutoCloseable {

    private static final Set<ChildJvm> LIVE = ConcurrentHashMap.newKeySet();
    private static final Duration HOOK_STOP_TIMEOUT = Duration.ofSeconds(10);

    static {
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(() -> stopAll(List.copyOf(LIVE), HOOK_STOP_TIMEOUT), "clipstream-childjvm-reaper"));
    }

    private final String name;
    private final Process process;
    private final Path logFile;
    private final List<Path> deleteOnStop;

    private ChildJvm(String name, Process process, Path logFile, List<Path> deleteOnStop) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.deleteOnStop = deleteOnStop;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The {@code java} launcher of this JVM. */
    public static Path javaExecutable() {
        return ProcessHandle.current()
                .info()
                .command()
                .map(Path::of)
                .filter(Files::isExecutable)
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Throws, with the log tail, if the process has exited. */
    public void requireAlive(String context) {
        if (!process.isAlive()) {
            throw failure("exited with code " + process.exitValue() + " " + context);
        }
    }

    /** Exit code, waiting at most {@code timeout}; fails with the log tail if the process is still running. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw failure("did not exit within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure("interrupted while waiting for exit");
        }
        cleanUp();
        return process.exitValue();
    }

    /**
     * Waits until a line of the log matches {@code regex} (searched with {@link Matcher#find()}), from the
     * start of the log. Fails with the log tail when the process exits first or on timeout.
     *
     * @return the matching line
     */
    public String awaitLogLine(String regex, Duration timeout) {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + timeout.toNanos();
        long position = 0;
        ByteArrayOutputStream line =
                new ByteArrayOutputStream(); // bytes, so a UTF-8 character split by a read survives
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            boolean alive = process.isAlive(); // checked before reading, so a line written just before exit is seen
            try (RandomAccessFile in = new RandomAccessFile(logFile.toFile(), "r")) {
                in.seek(position);
                int n;
                while ((n = in.read(buffer)) > 0) {
                    position += n;
                    for (int i = 0; i < n; i++) {
                        if (buffer[i] != '\n') {
                            line.write(buffer[i]);
                            continue;
                        }
                        String text = line.toString(StandardCharsets.UTF_8).stripTrailing();
                        line.reset();
                        if (pattern.matcher(text).find()) {
                            return text;
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!alive) {
                throw failure("exited with code " + process.exitValue() + " before logging /" + regex + "/");
            }
            if (System.nanoTime() > deadline) {
                throw failure("did not log /" + regex + "/ within " + timeout);
            }
            sleep(50);
        }
    }

    /**
     * Polls {@code uri} (GET) until {@code ready} accepts an answer, while the process lives: how a child that
     * serves HTTP is awaited (a readiness probe, a cluster status). Fails with the last answer on timeout.
     */
    public void awaitHttp(URI uri, Predicate<HttpResponse<String>> ready, Duration timeout) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            requireAlive("waiting for " + uri);
            try {
                HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (ready.test(r)) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(200);
        }
        throw new IllegalStateException(name + ": " + uri + " not ready after " + timeout + ": " + last);
    }

    /** The last {@code lines} lines of the log. */
    public String logTail(int lines) {
        try (RandomAccessFile in = new RandomAccessFile(logFile.toFile(), "r")) {
            long start = Math.max(0, in.length() - 256 * 1024);
            byte[] bytes = new byte[(int) (in.length() - start)];
            in.seek(start);
            in.readFully(bytes);
            List<String> all = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log " + logFile + " unreadable: " + e + ")";
        }
    }

    /** SIGTERM, wait up to {@code timeout}, then SIGKILL. Returns true when the process ended by itself. */
    public boolean stopGracefully(Duration timeout) {
        process.destroy();
        return awaitStop(System.nanoTime() + timeout.toNanos());
    }

    /** Hard stop (SIGKILL, no shutdown hooks in the child); returns once the process is gone. */
    public void kill() {
        process.destroyForcibly();
        process.onExit().join();
        cleanUp();
    }

    @Override
    public void close() {
        stopGracefully(Duration.ofSeconds(15));
    }

    @Override
    public String toString() {
        return name + "[pid " + pid() + ", log " + logFile + "]";
    }

    /** Stops several children at once: all get SIGTERM together, then whoever outlives the timeout gets SIGKILL. */
    public static void stopAll(Collection<ChildJvm> children, Duration timeout) {
        for (ChildJvm c : children) {
            c.process.destroy();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ChildJvm c : children) {
            c.awaitStop(deadline);
        }
    }

    private boolean awaitStop(long deadlineNanos) {
        boolean byItself = true;
        try {
            if (!process.waitFor(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                byItself = false;
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            byItself = false;
            process.destroyForcibly();
        }
        cleanUp();
        return byItself;
    }

    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) { // e.g. deleted concurrently by another hook
            if (Files.exists(dir)) {
                System.err.println("clipstream-testkit: could not delete " + dir + ": " + e);
            }
        }
    }

    private void cleanUp() {
        if (process.isAlive()) {
            return;
        }
        LIVE.remove(this);
        for (Path p : deleteOnStop) { // a plain loop: this also runs in the shutdown hook
            deleteRecursively(p);
        }
    }

    private IllegalStateException failure(String what) {
        return new IllegalStateException(
                name + " (pid " + pid() + ") " + what + "; log " + logFile + ", last lines:\n" + logTail(40));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * A jar holding just the class file of {@code type} (a top-level class using JDK classes only, or classes
     * already on the child's classpath). Lets a child run a small piece of this library without the whole
     * library on its classpath. Named by content in the temp directory, so JVMs share it and nothing piles up.
     */
    public static Path classJar(Class<?> type, Map<String, String> manifestAttributes) {
        String entry = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("class file " + entry + " not found");
            }
            byte[] bytes = in.readAllBytes();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes);
            digest.update(new TreeMap<>(manifestAttributes).toString().getBytes(StandardCharsets.UTF_8));
            Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "clipstream-testkit"));
            Path jar =
                    dir.resolve(type.getSimpleName() + "-" + HexFormat.of().formatHex(digest.digest(), 0, 8) + ".jar");
            if (!Files.isRegularFile(jar)) {
                Manifest manifest = new Manifest();
                manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
                manifestAttributes.forEach(manifest.getMainAttributes()::putValue);
                Path tmp = Files.createTempFile(dir, type.getSimpleName(), ".tmp");
                try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), manifest)) {
                    out.putNextEntry(new JarEntry(entry));
                    out.write(bytes);
                }
                Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * JVM flags every child gets ahead of its own, from the system property {@value #CHILD_JVM_ARGS} (split on
     * spaces). The build sets it for tests: their children live for seconds, and most of their CPU would
     * otherwise go to the optimising JIT compiler.
     */
    public static final String CHILD_JVM_ARGS = "clipstream.testkit.child-jvm-args";

    /** Flags for a short-lived infrastructure JVM: the quick JIT tier only, a single-threaded collector. */
    static final List<String> SHORT_LIVED = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    static List<String> inheritedJvmArgs() {
        String value = System.getProperty(CHILD_JVM_ARGS, "").strip();
        return value.isEmpty() ? List.of() : List.of(value.split("\\s+"));
    }

    public static final class Builder {
        private final String name;
        private final List<Path> classpath = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private final List<Path> deleteOnStop = new ArrayList<>();
        private String mainClass;
        private Path jar;
        private Path workDir;
        private Path logFile;
        private boolean watchParent = true;

        private Builder(String name) {
            this.name = name;
        }

        public Builder classpath(Collection<Path> entries) {
            classpath.addAll(entries);
            return this;
        }

        public Builder mainClass(String mainClass) {
            this.mainClass = mainClass;
            return this;
        }

        /** Run {@code java -jar jar} instead of a main class. */
        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(Arrays.asList(jvmArgs));
            return this;
        }

        public Builder jvmArgs(List<String> jvmArgs) {
            this.jvmArgs.addAll(jvmArgs);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder args(String... args) {
            this.args.addAll(Arrays.asList(args));
            return this;
        }

        public Builder args(List<String> args) {
            this.args.addAll(args);
            return this;
        }

        /** Working directory (default: this JVM's). */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        /** Log file for stdout + stderr (default: a new file in the temp directory, deleted when this JVM exits). */
        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        /** Directories (or files) removed once the process has ended through this API or the shutdown hook. */
        public Builder deleteOnStop(Path path) {
            deleteOnStop.add(path);
            return this;
        }

        /** Whether the child exits when this JVM disappears (default true). */
        public Builder watchParent(boolean watchParent) {
            this.watchParent = watchParent;
            return this;
        }

        public List<String> command() {
            if ((mainClass == null) == (jar == null)) {
                throw new IllegalStateException(name + ": set exactly one of mainClass or jar");
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(javaExecutable().toString());
            if (watchParent) {
                Path agent = classJar(ParentWatchdog.class, Map.of("Premain-Class", ParentWatchdog.class.getName()));
                cmd.add("-javaagent:" + agent + "=" + ProcessHandle.current().pid());
            }
            cmd.addAll(inheritedJvmArgs());
            cmd.addAll(jvmArgs);
            systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            if (!classpath.isEmpty()) {
                cmd.add("-cp");
                cmd.add(classpath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
            }
            if (jar != null) {
                cmd.add("-jar");
                cmd.add(jar.toString());
            } else {
                cmd.add(mainClass);
            }
            cmd.addAll(args);
            return cmd;
        }

        public ChildJvm start() {
            try {
                Path log = logFile;
                if (log == null) {
                    log = Files.createTempFile("clipstream-" + name, ".log");
                    log.toFile().deleteOnExit();
                }
                Files.createDirectories(log.toAbsolutePath().getParent());
                ProcessBuilder pb = new ProcessBuilder(command())
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
                if (workDir != null) {
                    pb.directory(workDir.toFile());
                }
                pb.environment().putAll(env);
                ChildJvm child = new ChildJvm(name, pb.start(), log, List.copyOf(deleteOnStop));
                LIVE.add(child);
                return child;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name, e);
            }
        }
    }
}
