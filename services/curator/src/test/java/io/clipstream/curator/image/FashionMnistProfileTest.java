package io.clipstream.curator.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clipstream.curator.config.QualityProfile;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Real Fashion-MNIST images (Debian package dataset-fashion-mnist) pass the configured fashion-mnist profile. */
class FashionMnistProfileTest {
    private static final Path IMAGES = Path.of("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz");

    @Test
    void realImagesPassTheConfiguredProfile() throws IOException {
        assumeTrue(Files.isReadable(IMAGES), "dataset-fashion-mnist not installed");
        QualityProfile profile = configuredProfile();
        assertThat(profile.minSide()).isEqualTo(28);

        int checked = 0;
        try (DataInputStream in =
                new DataInputStream(new BufferedInputStream(new GZIPInputStream(Files.newInputStream(IMAGES))))) {
            in.readInt();
            int n = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[] px = new byte[rows * cols];
            for (int i = 0; i < Math.min(n, 2000); i++) {
                in.readFully(px);
                BufferedImage img = new BufferedImage(cols, rows, BufferedImage.TYPE_BYTE_GRAY);
                img.getRaster().setDataElements(0, 0, cols, rows, px);
                ImageCheck check = ImageInspector.inspect(io.clipstream.curator.TestImages.png(img), profile);
                assertThat(check.reasons())
                        .as(
                                "image %d (sharpness %s)",
                                i, check.facts() == null ? "?" : check.facts().sharpness())
                        .isEmpty();
                checked++;
            }
        }
        assertThat(checked).isEqualTo(2000);
    }

    /** The fashion-mnist profile as application.properties defines it (defaults + overrides). */
    private static QualityProfile configuredProfile() throws IOException {
        Properties p = new Properties();
        try (InputStream in = FashionMnistProfileTest.class.getResourceAsStream("/application.properties")) {
            p.load(in);
        }
        String d = "clipstream.curator.defaults.";
        String f = "clipstream.curator.profiles.fashion-mnist.";
        java.util.function.Function<String, String> v = k -> p.getProperty(f + k, p.getProperty(d + k));
        return new QualityProfile(
                "fashion-mnist",
                Long.parseLong(v.apply("max-image-bytes")),
                Long.parseLong(v.apply("max-pixels")),
                Integer.parseInt(v.apply("min-side")),
                Double.parseDouble(v.apply("max-aspect-ratio")),
                Double.parseDouble(v.apply("min-sharpness")),
                Integer.parseInt(v.apply("min-text-chars")),
                Integer.parseInt(v.apply("max-text-chars")),
                Double.parseDouble(v.apply("min-letter-ratio")),
                Integer.parseInt(v.apply("near-duplicate-max-distance")));
    }
}
