package io.clipstream.local.bench;

import io.clipstream.local.producer.DemoPair;
import io.clipstream.storage.ContentAddress;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.Infra;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * The object store's raw rate for the objects the curator writes: for each pair, its image (and,
 * where the curator writes text objects, a text document of the curator's size), under
 * content-addressed keys in a scratch bucket, written once each: as one conditional PUT per object
 * (what the curator does) or as an existence check and a PUT (for stores without conditional
 * writes). The slower of this and the broker's raw rate bounds the curator.
 */
final class ObjectStoreBaseline {

    record Result(int pairs, double seconds, int requestsPerPair) {
        double pairsPerSecond() {
            return pairs / seconds;
        }

        double requestsPerSecond() {
            return requestsPerPair * pairs / seconds;
        }
    }

    private ObjectStoreBaseline() {}

    /** As {@link #measure} with conditional PUTs, from {@code threads} threads at once: the store's ceiling. */
    static Result measureParallel(Infra infra, List<DemoPair> pairs, boolean textObjects, int threads)
            throws Exception {
        StorageConfig config = StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                .withBucket("bench-baseline-" + UUID.randomUUID().toString().substring(0, 8));
        try (ObjectStore store = ObjectStore.connect(config);
                var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            store.ensureBucket();
            long t0 = System.nanoTime();
            List<java.util.concurrent.Future<?>> writes = new java.util.ArrayList<>();
            for (DemoPair p : pairs) {
                writes.add(pool.submit(() -> write(store, p, textObjects)));
            }
            for (var w : writes) {
                w.get(); // a failed write fails the baseline instead of flattering it
            }
            return new Result(pairs.size(), (System.nanoTime() - t0) / 1e9, objectsPerPair(textObjects));
        }
    }

    private static void write(ObjectStore store, DemoPair p, boolean textObjects) {
        String sha = ContentAddress.sha256Hex(p.image());
        store.putIfAbsent(ContentAddress.imageKey(sha, "png"), p.image(), "image/png");
        if (textObjects) {
            store.putIfAbsent(ContentAddress.textKey("bench", sha), textDocument(p, sha), "application/json");
        }
    }

    private static int objectsPerPair(boolean textObjects) {
        return textObjects ? 2 : 1;
    }

    private static byte[] textDocument(DemoPair p, String sha) {
        return ("{\"schemaVersion\":1,\"pairId\":\"" + p.pairId() + "\",\"text\":\"" + p.text() + "\",\"sha256\":\""
                        + sha + "\",\"width\":28,\"height\":28,\"perceptualHash\":\"0123456789abcdef\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Result measure(Infra infra, List<DemoPair> pairs, boolean textObjects, boolean conditionalPut) {
        StorageConfig config = StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey())
                .withBucket("bench-baseline-" + UUID.randomUUID().toString().substring(0, 8))
                .withConditionalPut(conditionalPut);
        try (ObjectStore store = ObjectStore.connect(config)) {
            store.ensureBucket();
            long t0 = System.nanoTime();
            for (DemoPair p : pairs) {
                write(store, p, textObjects);
            }
            int objects = objectsPerPair(textObjects);
            return new Result(pairs.size(), (System.nanoTime() - t0) / 1e9, conditionalPut ? objects : 2 * objects);
        }
    }
}
