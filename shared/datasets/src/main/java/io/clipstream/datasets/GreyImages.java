package io.clipstream.datasets;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Grey pixel arrays to and from {@link BufferedImage} and PNG bytes. */
public final class GreyImages {
    private GreyImages() {}

    public static BufferedImage toImage(byte[] pixels, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        img.getRaster().setDataElements(0, 0, width, height, pixels);
        return img;
    }

    public static byte[] toPng(byte[] pixels, int width, int height) {
        return png(toImage(pixels, width, height));
    }

    public static byte[] png(BufferedImage img) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer");
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
