package io.clipstream.curator;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.ConvolveOp;
import java.awt.image.Kernel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Images made for the tests: sharp synthetic "photos", blank and blurred ones, crafted bad files. */
public final class TestImages {
    private TestImages() {}

    /** A sharp picture: shapes in random colours over a fine texture; different seeds look different. */
    public static BufferedImage photo(int width, int height, long seed) {
        Random rnd = new Random(seed);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(rnd.nextInt(0xffffff)));
        g.fillRect(0, 0, width, height);
        int unit = Math.max(2, Math.min(width, height) / 8);
        for (int i = 0; i < 24; i++) {
            g.setColor(new Color(rnd.nextInt(0xffffff)));
            int x = rnd.nextInt(width);
            int y = rnd.nextInt(height);
            int w = unit + rnd.nextInt(unit * 3);
            int h = unit + rnd.nextInt(unit * 3);
            switch (i % 3) {
                case 0 -> g.fillRect(x - w / 2, y - h / 2, w, h);
                case 1 -> g.fillOval(x - w / 2, y - h / 2, w, h);
                default -> {
                    g.setStroke(new BasicStroke(Math.max(1, unit / 6f)));
                    g.drawLine(x, y, rnd.nextInt(width), rnd.nextInt(height));
                }
            }
        }
        g.dispose();
        // texture: a little per-pixel noise, like sensor grain
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = img.getRGB(x, y);
                int n = rnd.nextInt(25) - 12;
                img.setRGB(
                        x,
                        y,
                        clamp(((rgb >> 16) & 0xff) + n) << 16
                                | clamp(((rgb >> 8) & 0xff) + n) << 8
                                | clamp((rgb & 0xff) + n));
            }
        }
        return img;
    }

    public static BufferedImage blank(int width, int height, Color color) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    /** Separable Gaussian blur (edges extended). */
    public static BufferedImage gaussianBlur(BufferedImage src, double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        float[] k = new float[2 * radius + 1];
        float sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = (float) Math.exp(-(i * i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        BufferedImage padded = pad(src, radius);
        BufferedImage h = new ConvolveOp(new Kernel(k.length, 1, k), ConvolveOp.EDGE_NO_OP, null).filter(padded, null);
        BufferedImage v = new ConvolveOp(new Kernel(1, k.length, k), ConvolveOp.EDGE_NO_OP, null).filter(h, null);
        return v.getSubimage(radius, radius, src.getWidth(), src.getHeight());
    }

    private static BufferedImage pad(BufferedImage src, int r) {
        int w = src.getWidth();
        int h = src.getHeight();
        BufferedImage out = new BufferedImage(w + 2 * r, h + 2 * r, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h + 2 * r; y++) {
            for (int x = 0; x < w + 2 * r; x++) {
                out.setRGB(x, y, src.getRGB(Math.clamp(x - r, 0, w - 1), Math.clamp(y - r, 0, h - 1)));
            }
        }
        return out;
    }

    public static BufferedImage copyWithPixel(BufferedImage src, int x, int y, int rgb) {
        BufferedImage copy = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        copy.setRGB(x, y, rgb);
        return copy;
    }

    public static byte[] png(BufferedImage img) {
        return encode(img, "png");
    }

    public static byte[] jpg(BufferedImage img) {
        return encode(img, "jpg");
    }

    public static byte[] encode(BufferedImage img, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] truncated(byte[] bytes, double keep) {
        return Arrays.copyOf(bytes, (int) (bytes.length * keep));
    }

    /**
     * A valid-looking PNG whose IHDR claims {@code width x height} RGB pixels (CRCs correct), with one
     * tiny IDAT: a decoder that trusted the header would allocate width*height*4 bytes.
     */
    public static byte[] pngClaiming(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13)
                .putInt(width)
                .putInt(height)
                .put((byte) 8)
                .put((byte) 2)
                .put((byte) 0)
                .put((byte) 0)
                .put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[1024]); // the first rows, all zero
        deflater.finish();
        byte[] buf = new byte[256];
        int n = deflater.deflate(buf);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** The first bytes of a HEIC file (....ftypheic), which ImageIO has no reader for. */
    public static byte[] heicHeader() {
        byte[] b = new byte[64];
        b[3] = 24;
        System.arraycopy("ftypheic".getBytes(StandardCharsets.US_ASCII), 0, b, 4, 8);
        return b;
    }

    /** Written in the format's progressive mode: progressive scans for JPEG, Adam7 interlacing for PNG. */
    public static byte[] encodeProgressive(BufferedImage img, String format) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int clamp(int v) {
        return Math.clamp(v, 0, 255);
    }
}
