package io.clipstream.curator.store;

import io.clipstream.contracts.Json;
import io.clipstream.curator.curation.Candidate;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Writes the image and the text document of a curated pair, both at once. Both keys derive from
 * the sha256 of the image bytes, and a key that exists is never written again (one conditional
 * PUT), so a retry or a replay after a crash is harmless (the Kafka Connect S3-sink argument:
 * deterministic names make an at-least-once side effect exactly-once in effect). Failures after
 * the store's own retries propagate as {@link StorageException}, which the store step retries in
 * place ({@code faults.InPlaceRetry}): the pair is neither rejected nor dropped.
 */
public class CuratedObjectWriter {
    private final ObjectStore store;
    private final CuratorMetrics metrics;
    /** The image PUT runs here while the caller writes the text; virtual threads, since both only wait. */
    private final Executor writers = Executors.newVirtualThreadPerTaskExecutor();

    public CuratedObjectWriter(ObjectStore store, CuratorMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    public record Keys(String imageKey, String textKey) {
    }

    /**
     * Writes both objects at once (each is an existence check and a PUT: two round trips instead of
     * four in a row) and returns when both are stored; a curated event is only emitted after that,
     * so it never points at a missing object. A crash between the two leaves one object without its
     * record until the replay writes the other: the keys are content-addressed.
     */
    public Keys write(Candidate c) {
        String imageKey = ContentAddress.imageKey(c.sha256(), c.imageFormat());
        String textKey = ContentAddress.textKey(c.sha256());
        CompletableFuture<Boolean> image = CompletableFuture.supplyAsync(
                () -> metrics.timeImagePut(() -> store.putIfAbsent(imageKey, c.image(), c.contentType())), writers);
        TextDocument doc = new TextDocument(TextDocument.SCHEMA_VERSION, c.pairId(), c.source(), c.domain(), c.text(),
                c.sha256(), imageKey, c.imageFormat(), c.width(), c.height(), c.perceptualHash(), c.sharpness(),
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
}
