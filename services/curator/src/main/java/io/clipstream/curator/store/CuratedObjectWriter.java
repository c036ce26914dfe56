package io.clipstream.curator.store;

import io.clipstream.contracts.Json;
import io.clipstream.curator.curation.Candidate;
import io.clipstream.curator.metrics.CuratorMetrics;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageException;

/**
 * Writes the image and the text document of a curated pair, image first. Both keys derive from the
 * sha256 of the image bytes, and a key that exists is not written again, so a retry or a replay
 * after a crash is harmless (the Kafka Connect S3-sink argument: deterministic names make an
 * at-least-once side effect exactly-once in effect). Failures after the store's own retries
 * propagate as {@link StorageException}: the stream task fails and its transaction aborts, and the
 * pair is processed again - it is neither rejected nor dropped.
 */
public class CuratedObjectWriter {
    private final ObjectStore store;
    private final CuratorMetrics metrics;

    public CuratedObjectWriter(ObjectStore store, CuratorMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    public record Keys(String imageKey, String textKey) {
    }

    public Keys write(Candidate c) {
        String imageKey = ContentAddress.imageKey(c.sha256(), c.imageFormat());
        String textKey = ContentAddress.textKey(c.sha256());
        metrics.timeImagePut(() -> store.putIfAbsent(imageKey, c.image(), c.contentType()));
        TextDocument doc = new TextDocument(TextDocument.SCHEMA_VERSION, c.pairId(), c.source(), c.domain(), c.text(),
                c.sha256(), imageKey, c.imageFormat(), c.width(), c.height(), c.perceptualHash(), c.sharpness(),
                c.submittedAt());
        metrics.timeTextPut(() -> store.putIfAbsent(textKey, Json.write(doc), "application/json"));
        return new Keys(imageKey, textKey);
    }
}
