package io.clipstream.curator.store;

import io.clipstream.contracts.Json;
import io.clipstream.curator.inspect.Candidate;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Writes the objects of a curated pair: its image, and, where text objects are on
 * ({@code clipstream.curator.store.text-objects}), a text document beside it, both at once. The keys
 * derive from the sha256 of the image bytes, and a key that exists is never written again (one
 * conditional PUT), so a retry or a replay after a crash is harmless (the Kafka Connect S3-sink
 * argument: deterministic names make an at-least-once side effect exactly-once in effect). Failures
 * after the store's own retries propagate as {@link StorageException}, which the store step retries
 * in place ({@code faults.InPlaceRetry}): the pair is neither rejected nor dropped.
 *
 * <p>Text objects are off by default: the text document holds nothing the pair's record on the
 * compacted {@code pairs.curated} (the catalogue) does not, nothing reads it, and with images of a
 * few kB the second request per pair was a third of the curator's and the object store's work.
 */
public class CuratedObjectWriter {
    private final ObjectStore store;
    private final CuratorMetrics metrics;
    /** The image PUT runs here while the caller writes the text; virtual threads, since both only wait. */
    private final Executor writers = Executors.newVirtualThreadPerTaskExecutor();

    private final boolean textObjects;

    /** @param textObjects whether each pair also gets a text document ({@code pairs/text/...}) */
    public CuratedObjectWriter(ObjectStore store, CuratorMetrics metrics, boolean textObjects) {
        this.store = store;
        this.metrics = metrics;
        this.textObjects = textObjects;
    }

    /** @param textKey null where text objects are off */
    public record Keys(String imageKey, String textKey) {}

    /**
     * Writes the pair's objects (both at once where there are two) and returns when they are stored;
     * a curated event is only emitted after that, so it never points at a missing object. A crash
     * between the two leaves one object without its record until the replay writes the other: the
     * keys are content-addressed.
     */
    public Keys write(Candidate c) {
        String imageKey = ContentAddress.imageKey(c.sha256(), c.imageFormat());
        if (!textObjects) {
            putImage(imageKey, c);
            return new Keys(imageKey, null);
        }
        String textKey = ContentAddress.textKey(c.source(), c.sha256());
        CompletableFuture<Boolean> image = CompletableFuture.supplyAsync(() -> putImage(imageKey, c), writers);
        TextDocument doc = new TextDocument(
                TextDocument.SCHEMA_VERSION,
                c.pairId(),
                c.source(),
                c.domain(),
                c.text(),
                c.sha256(),
                imageKey,
                c.imageFormat(),
                c.width(),
                c.height(),
                c.perceptualHash(),
                c.sharpness(),
                c.submittedAt());
        RuntimeException textFailure = null;
        try {
            metrics.timeTextPut(() -> store.putIfAbsent(textKey, Json.write(doc), "application/json"));
        } catch (RuntimeException e) {
            textFailure = e;
        }
        try {
            image.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        if (textFailure != null) {
            throw textFailure;
        }
        return new Keys(imageKey, textKey);
    }

    private boolean putImage(String imageKey, Candidate c) {
        return metrics.timeImagePut(() -> store.putIfAbsent(imageKey, c.image(), c.contentType()));
    }
}
