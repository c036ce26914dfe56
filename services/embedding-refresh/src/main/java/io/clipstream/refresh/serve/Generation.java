package io.clipstream.refresh.serve;

import io.clipstream.refresh.embed.VersionEncoder;
import io.clipstream.refresh.index.VectorIndex;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * An index together with the encoder of the model version it was embedded with: a query is embedded and answered
 * by the same generation, so it never compares one version's text vectors with another's image vectors. Reference
 * counted: the owner holds one reference, each query one more; when the owner lets go ({@link #retire}) the last
 * query's release closes the encoder and the index and runs {@code onClosed} (which drops a superseded index).
 */
public final class Generation {
    private static final Logger LOG = Logger.getLogger(Generation.class);

    private final int version;
    private final VersionEncoder encoder;
    private final VectorIndex index;
    private final AtomicInteger references = new AtomicInteger(1);
    private volatile Consumer<Generation> onClosed = g -> {};

    public Generation(int version, VersionEncoder encoder, VectorIndex index) {
        this.version = version;
        this.encoder = encoder;
        this.index = index;
    }

    public int version() {
        return version;
    }

    public VersionEncoder encoder() {
        return encoder;
    }

    public VectorIndex index() {
        return index;
    }

    /** Takes a reference unless the generation is closing; the caller must {@link #release()} it. */
    boolean tryAcquire() {
        for (; ; ) {
            int n = references.get();
            if (n <= 0) {
                return false;
            }
            if (references.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            closeNow();
        }
    }

    /** The owner lets go: the generation closes once no query holds it, then runs {@code onClosed}. */
    public void retire(Consumer<Generation> onClosed) {
        this.onClosed = onClosed;
        release();
    }

    public boolean isClosed() {
        return references.get() <= 0;
    }

    private void closeNow() {
        try {
            encoder.close();
        } finally {
            try {
                index.close();
            } catch (Exception e) {
                LOG.warnf(e, "closing index %s", index.name());
            }
            onClosed.accept(this);
        }
    }

    @Override
    public String toString() {
        return index.name() + " (v" + version + ")";
    }
}
