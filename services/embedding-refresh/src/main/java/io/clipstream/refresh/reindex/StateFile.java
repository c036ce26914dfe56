package io.clipstream.refresh.reindex;

import io.clipstream.contracts.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;

/**
 * Which local index serves and which one is being built, so that a restart serves the same index again without
 * re-embedding the corpus and resumes an interrupted build. Written atomically (temp file, rename).
 */
public final class StateFile {
    /**
     * One index: its name in the backend and the model version it is embedded with.
     *
     * @param adapterSha256 the version's adapter hash as announced (null for v0, and in a state written before it was
     * kept)
     * @param basePin       the base the version was announced with (null for v0, a version from before bases were
     *                      pinned, and a state written before it was kept)
     */
    public record Entry(
            String index,
            int version,
            String buildId,
            String reason,
            Instant startedAt,
            String adapterSha256,
            io.clipstream.contracts.ModelVersion.BasePin basePin) {}

    /** {@code live} answers queries; {@code build} is being built beside it. Either may be null. */
    public record State(Entry live, Entry build) {
        public static final State EMPTY = new State(null, null);

        public State withLive(Entry e) {
            return new State(e, build);
        }

        public State withBuild(Entry e) {
            return new State(live, e);
        }
    }

    private final Path file;

    public StateFile(Path file) {
        this.file = file;
    }

    public State read() throws IOException {
        if (!Files.exists(file)) {
            return State.EMPTY;
        }
        return Json.read(Files.readAllBytes(file), State.class);
    }

    public synchronized void write(State s) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, Json.write(s));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
