package io.clipstream.curator.image;

import io.clipstream.curator.TestImages;
import io.clipstream.imaging.FormatGuards;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/** Images made to hurt decoders, as an attacker would send them. */
public final class HostileImages {
    private HostileImages() {}

    /**
     * 70 bytes: a BMP header claiming 300x300 pixels stored as an embedded PNG of 0x7FFFFFFF bytes.
     * The JDK's BMP reader allocates that size before reading: OutOfMemoryError.
     */
    public static byte[] bmpWithEmbeddedPng() {
        ByteBuffer b = ByteBuffer.allocate(70).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(70).putInt(0).putInt(54);
        b.putInt(40)
                .putInt(300)
                .putInt(300)
                .putShort((short) 1)
                .putShort((short) 24)
                .putInt(5 /* BI_PNG */)
                .putInt(0x7FFFFFFF)
                .putInt(2835)
                .putInt(2835)
                .putInt(0)
                .putInt(0);
        b.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        return b.array();
    }

    /** A real progressive JPEG whose last scan is repeated until the file holds {@code scans} scans. */
    public static byte[] progressiveJpegWithScans(int scans) {
        byte[] jpeg = progressiveJpeg(TestImages.photo(16, 16, 77)); // small scans: the file stays small
        int lastScan = lastIndexOf(jpeg, (byte) 0xFF, (byte) 0xDA);
        int eoi = jpeg.length - 2;
        int existing = FormatGuards.jpegScanCount(jpeg, Integer.MAX_VALUE);
        byte[] scan = Arrays.copyOfRange(jpeg, lastScan, eoi);
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + scan.length * scans);
        out.write(jpeg, 0, eoi);
        for (int i = existing; i < scans; i++) {
            out.write(scan, 0, scan.length);
        }
        out.write(jpeg, eoi, 2);
        return out.toByteArray();
    }

    public static byte[] progressiveJpeg(BufferedImage image) {
        return TestImages.encodeProgressive(image, "jpeg");
    }

    private static int lastIndexOf(byte[] b, byte first, byte second) {
        for (int i = b.length - 2; i >= 0; i--) {
            if (b[i] == first && b[i + 1] == second) {
                return i;
            }
        }
        throw new IllegalArgumentException("marker not found");
    }

    /** The magic that {@link ErrorThrowingDecoder} claims. */
    public static final byte[] ERROR_DECODER_MAGIC = "CLIPSTREAM-ERROR-DECODER".getBytes(StandardCharsets.US_ASCII);

    /** Bytes only the {@link ErrorThrowingDecoder} reads (after {@link ErrorThrowingDecoder#install()}). */
    public static byte[] forErrorThrowingDecoder() {
        byte[] b = Arrays.copyOf(ERROR_DECODER_MAGIC, ERROR_DECODER_MAGIC.length + 64);
        return b;
    }

    /**
     * An ImageIO plugin that claims to read PNG and throws {@link StackOverflowError} on decode, as a
     * decoder with a recursion bug would: a stand-in for every decoder {@code Error}.
     */
    public static final class ErrorThrowingDecoder extends ImageReaderSpi {
        private static volatile boolean installed;

        public ErrorThrowingDecoder() {
            super(
                    "clipstream-tests",
                    "1",
                    new String[] {"png"},
                    new String[] {"boom"},
                    new String[] {"image/png"},
                    Reader.class.getName(),
                    new Class<?>[] {ImageInputStream.class},
                    null,
                    false,
                    null,
                    null,
                    null,
                    null,
                    false,
                    null,
                    null,
                    null,
                    null);
        }

        public static synchronized void install() {
            if (!installed) {
                IIORegistry.getDefaultInstance()
                        .registerServiceProvider(new ErrorThrowingDecoder(), ImageReaderSpi.class);
                installed = true;
            }
        }

        @Override
        public boolean canDecodeInput(Object source) throws IOException {
            if (!(source instanceof ImageInputStream in)) {
                return false;
            }
            byte[] head = new byte[ERROR_DECODER_MAGIC.length];
            in.mark();
            try {
                in.readFully(head);
                return Arrays.equals(head, ERROR_DECODER_MAGIC);
            } catch (IOException e) {
                return false;
            } finally {
                in.reset();
            }
        }

        @Override
        public ImageReader createReaderInstance(Object extension) {
            return new Reader(this);
        }

        @Override
        public String getDescription(Locale locale) {
            return "test decoder that throws StackOverflowError";
        }

        static final class Reader extends ImageReader {
            Reader(ImageReaderSpi spi) {
                super(spi);
            }

            @Override
            public int getNumImages(boolean allowSearch) {
                return 1;
            }

            @Override
            public int getWidth(int imageIndex) {
                return 300;
            }

            @Override
            public int getHeight(int imageIndex) {
                return 300;
            }

            @Override
            public Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
                return java.util.List.of(ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_INT_RGB))
                        .iterator();
            }

            @Override
            public IIOMetadata getStreamMetadata() {
                return null;
            }

            @Override
            public IIOMetadata getImageMetadata(int imageIndex) {
                return null;
            }

            @Override
            public BufferedImage read(int imageIndex, ImageReadParam param) {
                throw new StackOverflowError("test decoder recursed without end");
            }
        }
    }
}
