package io.clipstream.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Many object-store requests at once: a store answers each request slowly and many at the same time, so batch
 * readers (a training run's images, a re-index's images) keep several in flight.
 */
public final class Parallel {
    private Parallel() {}

    /** A step that may fail with an I/O error. */
    @FunctionalInterface
    public interface IoFunction<T, R> {
        R apply(T t) throws IOException;
    }

    /**
     * {@code fn} of every item, at most {@code parallelism} at a time, results in the items' order. The first failure
     * is rethrown as it was (an {@link IOException} or a runtime exception) once every call has ended.
     */
    public static <T, R> List<R> map(List<T> items, int parallelism, IoFunction<T, R> fn) throws IOException {
        if (items.isEmpty()) {
            return List.of();
        }
        if (parallelism <= 1 || items.size() == 1) {
            List<R> out = new ArrayList<>(items.size());
            for (T t : items) {
                out.add(fn.apply(t));
            }
            return out;
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, items.size()))) {
            return map(items, pool, fn);
        }
    }

    /** As {@link #map(List, int, IoFunction)} on a pool the caller keeps (no threads started per call). */
    public static <T, R> List<R> map(List<T> items, ExecutorService pool, IoFunction<T, R> fn) throws IOException {
        try {
            List<Future<R>> futures = new ArrayList<>(items.size());
            for (T t : items) {
                futures.add(pool.submit(() -> fn.apply(t)));
            }
            List<R> out = new ArrayList<>(items.size());
            for (Future<R> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IOException(e.getCause());
        }
    }
}
