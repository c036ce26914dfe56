package io.clipstream.refresh.serve;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The generation that answers queries, swapped atomically. A query leases the generation that is live when it
 * starts and keeps it (open) until it ends, so a swap never fails a query in flight nor lets it mix versions.
 */
public final class LiveIndex {
    private final AtomicReference<Generation> live = new AtomicReference<>();

    /** A query's hold on one generation; close it when the answer is built. */
    public static final class Lease implements AutoCloseable {
        private final Generation generation;
        private boolean closed;

        private Lease(Generation generation) {
            this.generation = generation;
        }

        public Generation generation() {
            return generation;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                generation.release();
            }
        }
    }

    /** A lease on the live generation; empty when nothing serves yet. */
    public Optional<Lease> lease() {
        for (; ; ) {
            Generation g = live.get();
            if (g == null) {
                return Optional.empty();
            }
            if (g.tryAcquire()) {
                return Optional.of(new Lease(g));
            }
            // g was swapped out and closed between the read and the acquire: read the new one
            if (live.get() == g) {
                return Optional.empty();
            }
        }
    }

    public Optional<Generation> current() {
        return Optional.ofNullable(live.get());
    }

    /** Makes {@code next} live; returns the generation it replaced (whose owner must retire it), if any. */
    public Optional<Generation> swap(Generation next) {
        return Optional.ofNullable(live.getAndSet(next));
    }

    /** Nothing serves any more (shutdown); returns what served. */
    public Optional<Generation> clear() {
        return Optional.ofNullable(live.getAndSet(null));
    }
}
