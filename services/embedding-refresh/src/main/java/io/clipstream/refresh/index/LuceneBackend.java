package io.clipstream.refresh.index;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Embedded Lucene indexes, one directory each under {@code root}, on local disk. */
public final class LuceneBackend implements IndexBackend {
    private final Path root;
    private final LuceneIndex.Format format;
    private final Executor searchExecutor;

    public LuceneBackend(Path root, LuceneIndex.Format format) throws IOException {
        this(root, format, 1);
    }

    /**
     * @param searchThreads threads that search the segments of one query side by side (one pool for every index of
     *                      this backend, daemon threads that live as long as the process); 1: one segment after
     *                      another on the caller's thread
     */
    public LuceneBackend(Path root, LuceneIndex.Format format, int searchThreads) throws IOException {
        if (searchThreads < 1) {
            throw new IllegalArgumentException("search threads must be at least 1, not " + searchThreads);
        }
        this.root = Files.createDirectories(root);
        this.format = format;
        AtomicInteger n = new AtomicInteger();
        this.searchExecutor = searchThreads == 1
                ? null
                : Executors.newFixedThreadPool(searchThreads, r -> {
                    Thread t = new Thread(r, "lucene-search-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public String kind() {
        return "lucene";
    }

    @Override
    public VectorIndex open(String name, int dimension) throws IOException {
        return LuceneIndex.open(dir(name), name, dimension, format, searchExecutor);
    }

    @Override
    public void drop(String name) throws IOException {
        Path dir = dir(name);
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public List<String> names() throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).forEach(p -> out.add(p.getFileName().toString()));
        }
        out.sort(null);
        return out;
    }

    private Path dir(String name) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new IllegalArgumentException("bad index name " + name);
        }
        return root.resolve(name);
    }
}
