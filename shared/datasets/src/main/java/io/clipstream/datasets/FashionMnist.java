package io.clipstream.datasets;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads Fashion-MNIST from the IDX files of Debian's {@code dataset-fashion-mnist} package
 * (28x28 grey images, 10 classes; 60,000 train and 10,000 test).
 */
public final class FashionMnist {
    public static final Path DEFAULT_DIR = Path.of("/usr/share/datasets/fashion-mnist");
    public static final int SIDE = 28;
    public static final List<String> CLASS_NAMES = List.of(
            "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot");

    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    public enum Split {
        TRAIN("train"),
        TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }
    }

    /** One grey 28x28 image, row-major, 0 = black, 255 = white, and its class index. */
    public record Sample(int index, byte[] pixels, int label) {
        public String className() {
            return CLASS_NAMES.get(label);
        }
    }

    private FashionMnist() {}

    /** The directory from {@code CLIPSTREAM_FASHION_MNIST_DIR}, else Debian's. */
    public static Path defaultDir() {
        String env = System.getenv("CLIPSTREAM_FASHION_MNIST_DIR");
        return env == null || env.isBlank() ? DEFAULT_DIR : Path.of(env);
    }

    public static boolean isAvailable(Path dir) {
        return Files.isReadable(dir.resolve(Split.TEST.prefix + "-images-idx3-ubyte.gz"));
    }

    /** Reads the first {@code limit} samples of a split (all of them if limit <= 0). */
    public static List<Sample> read(Path dir, Split split, int limit) throws IOException {
        Path images = dir.resolve(split.prefix + "-images-idx3-ubyte.gz");
        Path labels = dir.resolve(split.prefix + "-labels-idx1-ubyte.gz");
        if (!Files.isReadable(images) || !Files.isReadable(labels)) {
            throw new IOException("Fashion-MNIST not found in " + dir
                    + " (install the Debian package: apt-get install -y dataset-fashion-mnist,"
                    + " or set CLIPSTREAM_FASHION_MNIST_DIR)");
        }
        try (DataInputStream img = open(images);
                DataInputStream lab = open(labels)) {
            expect(img.readInt(), IMAGES_MAGIC, images);
            expect(lab.readInt(), LABELS_MAGIC, labels);
            int count = img.readInt();
            if (lab.readInt() != count) {
                throw new IOException("image and label counts differ in " + dir);
            }
            int rows = img.readInt();
            int cols = img.readInt();
            if (rows != SIDE || cols != SIDE) {
                throw new IOException("expected 28x28 images, found " + rows + "x" + cols);
            }
            int n = limit <= 0 ? count : Math.min(limit, count);
            List<Sample> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] px = new byte[SIDE * SIDE];
                img.readFully(px);
                out.add(new Sample(i, px, lab.readUnsignedByte()));
            }
            return out;
        }
    }

    private static DataInputStream open(Path p) throws IOException {
        InputStream in = new GZIPInputStream(Files.newInputStream(p), 1 << 16);
        return new DataInputStream(in);
    }

    private static void expect(int actual, int magic, Path file) throws IOException {
        if (actual != magic) {
            throw new IOException(file + " is not an IDX file (magic " + Integer.toHexString(actual) + ")");
        }
    }
}
