package io.clipstream.local;

import io.clipstream.continual.bench.domains.FashionStream;
import io.clipstream.continual.tools.PutBase;
import io.clipstream.datasets.FashionMnist;
import io.clipstream.registry.ModelLayout;
import io.clipstream.registry.Registry;
import io.clipstream.storage.ObjectStore;
import io.clipstream.storage.StorageConfig;
import io.clipstream.testkit.ChildJvm;
import io.clipstream.testkit.Infra;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Puts the loop's base checkpoint into the registry: a generated tiny CLIP trained fully on the first
 * {@code images} original Fashion-MNIST training images, so the local stack needs nothing downloaded. The trained
 * checkpoint is kept under {@code .clipstream/base/} (keyed by its recipe) and reused by the next run.
 */
final class BaseCheckpoint {
    static final String MODEL = "tiny";
    private static final long SEED = 42;

    /** How the base is made: {@code images} original training images (from index 0) for {@code epochs}. */
    record Recipe(int images, int epochs) {
        String key() {
            return String.format(
                    Locale.ROOT, "tiny-fashion-original-%d-images-%d-epochs-seed-%d", images, epochs, SEED);
        }
    }

    private BaseCheckpoint() {}

    /**
     * Trains the base (or reuses the cached one) and puts it under {@code models/tiny/base/}; returns its directory.
     */
    static Path put(Infra infra, Path cacheRoot, Recipe recipe) throws IOException {
        Path dir = cacheRoot.resolve(recipe.key());
        if (!Files.isRegularFile(dir.resolve("config.json"))) {
            long t0 = System.nanoTime();
            // read by the PyTorch engine when it starts: nothing is downloaded, and the two cores are shared with the
            // stack
            System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
            System.setProperty(
                    "ai.djl.pytorch.num_interop_threads",
                    System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
            List<FashionMnist.Sample> train =
                    FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TRAIN, recipe.images());
            List<FashionMnist.Sample> validation =
                    FashionMnist.read(FashionMnist.defaultDir(), FashionMnist.Split.TEST, 500);
            Path work = Files.createTempDirectory(
                    Files.createDirectories(cacheRoot), "training-"); // same file system: the move is a rename
            try {
                double accuracy = FashionStream.trainBase(
                        work.resolve("init"), work.resolve("base"), train, validation, recipe.epochs(), SEED);
                ChildJvm.deleteRecursively(dir);
                Files.move(work.resolve("base"), dir);
                System.out.printf(
                        Locale.ROOT,
                        "base model: tiny CLIP trained on %,d original images for %d epochs in %.0f s, zero-shot"
                                + " accuracy %.1f %% on 500 test images (kept in %s)%n",
                        recipe.images(),
                        recipe.epochs(),
                        (System.nanoTime() - t0) / 1e9,
                        100 * accuracy,
                        dir);
            } finally {
                ChildJvm.deleteRecursively(work);
            }
        } else {
            System.out.println("base model: reusing " + dir);
        }
        try (ObjectStore store =
                ObjectStore.connect(StorageConfig.of(infra.s3Endpoint(), infra.s3AccessKey(), infra.s3SecretKey()))) {
            PutBase.put(new Registry(store, new ModelLayout(MODEL)), dir);
        }
        return dir;
    }
}
