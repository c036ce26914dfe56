package io.clipstream.clip;

import io.clipstream.clip.tools.GenerateTinyClip;
import io.clipstream.clip.tools.TinyClipSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Test fixtures: one generated tiny CLIP per JVM, synthetic images and captions. */
final class TinyModels {

    static final List<String> CAPTIONS = List.of(
            "a photo of a t-shirt/top.",
            "a photo of a trouser.",
            "a sketch of a pullover.",
            "a drawing of a dress.",
            "a rotated photo of a coat.",
            "an inverted picture of a sandal.",
            "a negative image of a shirt.",
            "a photo of an ankle boot.");

    private static Path dir;

    private TinyModels() {}

    static synchronized Path dir() {
        if (dir == null) {
            try {
                dir = Files.createTempDirectory("tiny-clip");
                GenerateTinyClip.generate(dir, TinyClipSpec.defaults());
                Path d = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(d)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    static void deleteTree(Path root) {
        try (Stream<Path> s = Files.walk(root)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort
        }
    }

    static List<BufferedImage> images(int n, int size, long seed) {
        Random rnd = new Random(seed);
        List<BufferedImage> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    img.setRGB(x, y, rnd.nextInt(0x1000000));
                }
            }
            out.add(img);
        }
        return out;
    }

    static List<float[]> pixels(int n, int size, long seed) {
        Random rnd = new Random(seed);
        List<float[]> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            float[] v = new float[3 * size * size];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            out.add(v);
        }
        return out;
    }

    static double maxAbsDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return m;
    }
}
