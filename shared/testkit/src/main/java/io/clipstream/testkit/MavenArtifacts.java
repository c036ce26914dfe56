package io.clipstream.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;

/**
 * Resolves artifacts from the local Maven repository, downloading from Maven Central what is missing.
 * Used to build the classpaths of child JVMs, so that their jars stay off the caller's classpath.
 * <p>
 * Local repository: system property {@code maven.repo.local}, else {@code ~/.m2/repository}. Remote:
 * {@code CLIPSTREAM_MAVEN_REPO} / {@code clipstream.maven.repo}, else Maven Central.
 */
public final class MavenArtifacts {

    private static final Map<List<String>, List<Path>> CACHE = new ConcurrentHashMap<>();
    private static RepositorySystem system;

    private MavenArtifacts() {}

    /**
     * The runtime classpath of the given artifacts and their transitive dependencies, versions mediated
     * across all of them. Coordinates: {@code groupId:artifactId[:extension[:classifier]]:version}.
     */
    public static List<Path> classpath(String... coordinates) {
        return CACHE.computeIfAbsent(List.of(coordinates), key -> cachedOnDisk(key, () -> resolveTransitively(key)));
    }

    /** One artifact file, without dependencies (e.g. a fat jar). */
    public static Path artifact(String coordinate) {
        return CACHE.computeIfAbsent(
                        List.of("single", coordinate),
                        key -> cachedOnDisk(key, () -> {
                            try {
                                ArtifactRequest request =
                                        new ArtifactRequest(new DefaultArtifact(coordinate), remotes(), null);
                                return List.of(system().resolveArtifact(session(), request)
                                        .getArtifact()
                                        .getFile()
                                        .toPath());
                            } catch (ArtifactResolutionException e) {
                                throw new IllegalStateException(
                                        "cannot resolve " + coordinate + " (local repo " + localRepository()
                                                + ", remote " + remoteUrl() + "): " + e.getMessage(),
                                        e);
                            }
                        }))
                .get(0);
    }

    public static Path localRepository() {
        String configured = System.getProperty("maven.repo.local");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /**
     * Resolving a dependency graph costs seconds even when every file is local (hundreds of POMs to read),
     * so the result is kept in a file next to the local repository; releases never change, and the entry
     * is used only while all its files exist.
     */
    private static List<Path> cachedOnDisk(List<String> key, Supplier<List<Path>> resolve) {
        Path file = localRepository().resolve(".clipstream-testkit").resolve(hash(remoteUrl() + key) + ".classpath");
        try {
            if (Files.isRegularFile(file)) {
                List<Path> paths = Files.readAllLines(file).stream()
                        .filter(l -> !l.isBlank())
                        .map(Path::of)
                        .toList();
                if (!paths.isEmpty() && paths.stream().allMatch(Files::isRegularFile)) {
                    return paths;
                }
            }
        } catch (IOException | RuntimeException e) {
            // unreadable: resolve again
        }
        List<Path> paths = resolve.get();
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "cp", ".tmp");
            Files.write(
                    tmp, paths.stream().map(p -> p.toAbsolutePath().toString()).toList());
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // only a cache
        }
        return paths;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> resolveTransitively(List<String> coordinates) {
        CollectRequest collect = new CollectRequest();
        coordinates.forEach(c -> collect.addDependency(new Dependency(new DefaultArtifact(c), JavaScopes.RUNTIME)));
        collect.setRepositories(remotes());
        DependencyRequest request =
                new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
        try {
            return system().resolveDependencies(session(), request).getArtifactResults().stream()
                    .map(ArtifactResult::getArtifact)
                    .map(a -> a.getFile().toPath())
                    .toList();
        } catch (DependencyResolutionException e) {
            throw new IllegalStateException(
                    "cannot resolve " + coordinates + " (local repo " + localRepository() + ", remote " + remoteUrl()
                            + "): " + e.getMessage(),
                    e);
        }
    }

    private static synchronized RepositorySystem system() {
        if (system == null) {
            system = new RepositorySystemSupplier().get();
        }
        return system;
    }

    private static DefaultRepositorySystemSession session() {
        DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
        session.setLocalRepositoryManager(system().newLocalRepositoryManager(
                        session, new LocalRepository(localRepository().toFile())));
        session.setSystemProperties(System.getProperties());
        return session;
    }

    private static List<RemoteRepository> remotes() {
        return List.of(new RemoteRepository.Builder("central", "default", remoteUrl()).build());
    }

    private static String remoteUrl() {
        String configured = InfraOptions.setting(System.getProperties(), System.getenv(), "clipstream.maven.repo");
        return configured != null ? configured : "https://repo.maven.apache.org/maven2/";
    }
}
