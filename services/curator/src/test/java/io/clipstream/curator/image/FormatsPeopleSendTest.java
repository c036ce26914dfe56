package io.clipstream.curator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.QualityProfile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/** Images as cameras, phones and web pages produce them decode and are measured as displayed. */
class FormatsPeopleSendTest {
    /** The defaults, with a minimum side that lets the small fixtures through. */
    private static final QualityProfile P =
            new QualityProfile("formats", 10_485_760, 45_000_000, 100, 3.0, 60, 5, 1000, 0.2, 4);

    private static byte[] resource(String name) {
        try (InputStream in = FormatsPeopleSendTest.class.getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ImageCheck passed(byte[] bytes) {
        ImageCheck check = ImageInspector.inspect(bytes, P);
        assertThat(check.reasons()).as(String.join("; ", check.details())).isEmpty();
        return check;
    }

    @Test
    void webpIsAccepted() {
        ImageCheck c = passed(resource("photo-160x120.webp")); // made with ImageMagick (libwebp), lossy
        assertThat(c.facts().format()).isEqualTo("webp");
        assertThat(c.facts().contentType()).isEqualTo("image/webp");
        assertThat(c.facts().width()).isEqualTo(160);
        assertThat(c.facts().height()).isEqualTo(120);
    }

    @Test
    void cmykJpegDecodes() {
        ImageCheck c = passed(resource("cmyk-160x120.jpg")); // the JDK's own reader refuses CMYK
        assertThat(c.facts().format()).isEqualTo("jpg");
        assertThat(c.facts().width()).isEqualTo(160);
    }

    @Test
    void sixteenBitAndInterlacedPngsDecodeToTheSameImage() {
        BufferedImage photo = TestImages.photo(320, 240, 1201);
        long plain = passed(TestImages.png(photo)).facts().perceptualHash();
        assertThat(passed(png16(photo)).facts().perceptualHash()).isEqualTo(plain);
        assertThat(passed(interlacedPng(photo)).facts().perceptualHash()).isEqualTo(plain);
    }

    @Test
    void anAnimatedGifIsItsFirstFrame() {
        BufferedImage first = TestImages.photo(320, 240, 1301);
        BufferedImage second = TestImages.photo(320, 240, 1302);
        ImageCheck gif = passed(animatedGif(first, second));
        long firstHash = passed(TestImages.encode(first, "gif")).facts().perceptualHash();
        long secondHash = passed(TestImages.encode(second, "gif")).facts().perceptualHash();
        assertThat(gif.facts().perceptualHash()).isEqualTo(firstHash).isNotEqualTo(secondHash);
    }

    @Test
    void exifOrientationIsAppliedToSidesAndHash() {
        BufferedImage upright = TestImages.photo(320, 240, 1401);
        BufferedImage sideways = rotateCounterClockwise(upright); // as the sensor stored it: 240x320
        byte[] tagged = withExifOrientation(TestImages.jpg(sideways), 6); // "turn 90 degrees clockwise to display"
        assertThat(ExifOrientation.of(tagged)).isEqualTo(6);

        ImageCheck c = passed(tagged);
        assertThat(c.facts().width()).isEqualTo(320);
        assertThat(c.facts().height()).isEqualTo(240);
        long uprightHash = passed(TestImages.jpg(upright)).facts().perceptualHash();
        assertThat(PerceptualHash.hammingDistance(c.facts().perceptualHash(), uprightHash))
                .isLessThanOrEqualTo(4);
        ImageCheck ignored = passed(TestImages.jpg(sideways));
        assertThat(PerceptualHash.hammingDistance(ignored.facts().perceptualHash(), uprightHash))
                .isGreaterThan(10);
    }

    @Test
    void malformedExifIsIgnored() {
        byte[] jpg = TestImages.jpg(TestImages.photo(300, 220, 1501));
        byte[] truncated = withExifOrientation(jpg, 6);
        truncated[2 + 4 + 6 + 4] = 0x7f; // IFD offset far past the segment
        assertThat(ExifOrientation.of(truncated)).isEqualTo(ExifOrientation.NORMAL);
        assertThat(ExifOrientation.of(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0, 1}))
                .isEqualTo(1);
    }

    static BufferedImage rotateCounterClockwise(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getHeight(), src.getWidth(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < src.getHeight(); y++) {
            for (int x = 0; x < src.getWidth(); x++) {
                out.setRGB(y, src.getWidth() - 1 - x, src.getRGB(x, y));
            }
        }
        return out;
    }

    /** Inserts an APP1 Exif segment with IFD0 = {Orientation} right after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 1)
                .putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0)
                .putInt(0);
        byte[] body = tiff.array();
        int length = 2 + 6 + body.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        out.write(0xFF);
        out.write(0xE1);
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(new byte[] {'E', 'x', 'i', 'f', 0, 0});
        out.writeBytes(body);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }

    static byte[] png16(BufferedImage rgb) {
        BufferedImage grey16 = new BufferedImage(rgb.getWidth(), rgb.getHeight(), BufferedImage.TYPE_USHORT_GRAY);
        grey16.getGraphics().drawImage(rgb, 0, 0, null);
        return TestImages.png(grey16);
    }

    static byte[] interlacedPng(BufferedImage image) {
        return TestImages.encodeProgressive(image, "png");
    }

    static byte[] animatedGif(BufferedImage... frames) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (BufferedImage frame : frames) {
                ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(frame);
                IIOMetadata meta = writer.getDefaultImageMetadata(type, null);
                IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree("javax_imageio_gif_image_1.0");
                IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", "10");
                gce.setAttribute("transparentColorIndex", "0");
                root.appendChild(gce);
                meta.setFromTree("javax_imageio_gif_image_1.0", root);
                writer.writeToSequence(new IIOImage(frame, null, meta), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
