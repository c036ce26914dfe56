package io.clipstream.trainer.run;

import io.clipstream.contracts.Shutdown;
import io.clipstream.trainer.ledger.PairRef;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Fetches (and decodes, within the materialiser's budget) the images of pairs as the curated feed reads them, on a
 * thread of its own. A count trigger fires as the last pair of a burst is read, before the checks between runs
 * could fetch the burst; fetched on arrival, its images overlap the curation of the pairs behind them instead of
 * waiting for the run. Best effort: an image this misses is fetched by the run, or skipped there with its reason.
 */
public final class ArrivalPrefetcher implements Consumer<List<PairRef>>, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ArrivalPrefetcher.class);

    private final Materialiser materialiser;
    private final AtomicInteger queued = new AtomicInteger();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "arrival-prefetch");
        t.setDaemon(true);
        return t;
    });

    public ArrivalPrefetcher(Materialiser materialiser) {
        this.materialiser = materialiser;
    }

    /** Queues the images of {@code refs}, the pairs of one poll of the feed. */
    @Override
    public void accept(List<PairRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        try {
            queued.incrementAndGet();
            worker.execute(() -> fetch(refs));
        } catch (RejectedExecutionException closed) {
            queued.decrementAndGet();
        }
    }

    private void fetch(List<PairRef> refs) {
        try {
            int fetched = materialiser.prefetch(refs, refs.size());
            if (fetched > 0) {
                LOG.debugf("fetched %d images of %d pairs on arrival", fetched, refs.size());
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("fetching images on arrival failed (the run fetches what it needs): %s", e.getMessage());
        } finally {
            queued.decrementAndGet();
        }
    }

    /** True when every poll handed over so far has been fetched. */
    public boolean idle() {
        return queued.get() == 0;
    }

    @Override
    public void close() {
        Shutdown.now(worker, Duration.ofSeconds(10));
    }
}
