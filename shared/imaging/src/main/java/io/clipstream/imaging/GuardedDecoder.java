package io.clipstream.imaging;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes an image nobody vouched for, cheapest test first: bytes present and within the byte limit; an accepted
 * format (PNG, JPEG incl. CMYK/YCCK, GIF's first frame, BMP, WebP), refusing BMPs that embed PNG/JPEG data and
 * JPEGs with more scans than {@link DecodeLimits#maxJpegScans()} ({@link FormatGuards}); width and height from the
 * header, above the pixel budget refused before any pixel is decoded; then the decode, subsampled so that the
 * longer side is at most {@code maxSide}, under a watchdog that aborts it past the time budget. A decoder error or
 * warning (truncated data) is CORRUPT; a decoder that throws an {@link Error} (OutOfMemoryError,
 * StackOverflowError) or runs past its budget is UNREADABLE. Nothing about the bytes makes this class throw.
 */
public final class GuardedDecoder {
    /** ImageIO format name (lower case) -> file extension and content type of the accepted formats. */
    private static final Map<String, String[]> ACCEPTED = Map.of(
            "png", new String[] {"png", "image/png"},
            "jpeg", new String[] {"jpg", "image/jpeg"},
            "gif", new String[] {"gif", "image/gif"},
            "bmp", new String[] {"bmp", "image/bmp"},
            "webp", new String[] {"webp", "image/webp"});

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    /** Why an image was not decoded. */
    public enum Refusal {
        MISSING,
        TOO_MANY_BYTES,
        UNSUPPORTED_FORMAT,
        DECOMPRESSION_BOMB,
        CORRUPT,
        UNREADABLE
    }

    /** The outcome: a decoded image, or a refusal with what was wrong. */
    public sealed interface Decoded {}

    /**
     * @param width  the width as the header says (before any subsampling)
     * @param height the height as the header says
     */
    public record Image(BufferedImage image, String extension, String contentType, int width, int height)
            implements Decoded {}

    public record Refused(Refusal reason, String detail) implements Decoded {}

    private GuardedDecoder() {}

    public static Decoded decode(byte[] bytes, long maxBytes, long maxPixels, DecodeLimits limits, int maxSide) {
        try {
            return decodeBounded(bytes, maxBytes, maxPixels, limits, maxSide);
        } catch (VirtualMachineError | LinkageError | AssertionError e) {
            // A decoder that asks for gigabytes or recurses without end fails this image, not its caller: the
            // allocation that failed was never made, and the deep stack is unwound.
            return new Refused(Refusal.UNREADABLE, "image decoder failed: " + e);
        }
    }

    private static Decoded decodeBounded(
            byte[] bytes, long maxBytes, long maxPixels, DecodeLimits limits, int maxSide) {
        if (bytes == null || bytes.length == 0) {
            return new Refused(Refusal.MISSING, "no image bytes");
        }
        if (bytes.length > maxBytes) {
            return new Refused(Refusal.TOO_MANY_BYTES, "image has " + bytes.length + " bytes, limit " + maxBytes);
        }
        if (FormatGuards.isBmpWithEmbeddedCompression(bytes)) {
            return new Refused(
                    Refusal.UNSUPPORTED_FORMAT,
                    "BMP with embedded PNG/JPEG compression is not accepted; send the PNG or JPEG itself");
        }
        if (FormatGuards.jpegScanCount(bytes, limits.maxJpegScans()) > limits.maxJpegScans()) {
            return new Refused(
                    Refusal.DECOMPRESSION_BOMB,
                    "JPEG with more than " + limits.maxJpegScans() + " scans (not decoded)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                return new Refused(
                        Refusal.UNSUPPORTED_FORMAT,
                        "not an accepted image format (" + sniff(bytes) + "); accepted: png, jpg, gif, bmp, webp");
            }
            ImageReader reader = readers.next();
            try {
                return decode(reader, in, maxPixels, limits, maxSide);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return new Refused(Refusal.CORRUPT, "image cannot be read: " + e);
        }
    }

    private static Decoded decode(
            ImageReader reader, ImageInputStream in, long maxPixels, DecodeLimits limits, int maxSide) {
        String formatName = formatName(reader);
        String[] format = ACCEPTED.get(formatName);
        if (format == null) {
            return new Refused(
                    Refusal.UNSUPPORTED_FORMAT,
                    "image format " + formatName + " is not accepted; accepted: png, jpg, gif, bmp, webp");
        }
        reader.setInput(in, true, true);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));

        int width;
        int height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            return new Refused(Refusal.CORRUPT, format[0] + " header unreadable: " + e.getMessage());
        }
        if (width < 1 || height < 1) {
            return new Refused(Refusal.CORRUPT, format[0] + " header claims " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            return new Refused(
                    Refusal.DECOMPRESSION_BOMB,
                    format[0] + " header claims " + width + "x" + height + " = " + pixels + " pixels, limit "
                            + maxPixels + " (not decoded)");
        }

        BufferedImage image;
        AbortSeen abortSeen = new AbortSeen();
        reader.addIIOReadProgressListener(abortSeen);
        try (DecodeWatchdog.Watch watch = DecodeWatchdog.watch(reader, limits.timeBudget())) {
            ImageReadParam param = reader.getDefaultReadParam();
            int step = (Math.max(width, height) + maxSide - 1) / maxSide;
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            image = reader.read(0, param);
            if (watch.expired()) {
                // aborted: the reader stopped where it was; otherwise the abort came before it began (read() clears
                // it) or after it ended, and the whole decode was done
                return new Refused(
                        Refusal.UNREADABLE,
                        format[0] + (abortSeen.aborted ? " decode aborted midway by" : " took longer than") + " the "
                                + watch.budget().toMillis() + " ms decoding budget");
            }
        } catch (IIOException e) {
            String msg = String.valueOf(e.getMessage());
            return new Refused(
                    msg.toLowerCase(Locale.ROOT).contains("unsupported") ? Refusal.UNSUPPORTED_FORMAT : Refusal.CORRUPT,
                    format[0] + " cannot be decoded: " + msg);
        } catch (IOException | RuntimeException e) {
            return new Refused(Refusal.CORRUPT, format[0] + " cannot be decoded: " + e);
        }
        if (image == null) {
            return new Refused(Refusal.CORRUPT, format[0] + " decoded to nothing");
        }
        List<String> corruption =
                warnings.stream().filter(w -> !isColourWarning(w)).toList();
        if (!corruption.isEmpty()) {
            return new Refused(Refusal.CORRUPT, format[0] + " decoder warning: " + corruption.getFirst());
        }
        return new Image(image, format[0], format[1], width, height);
    }

    /** Whether the reader stopped because it was aborted (ImageIO tells its progress listeners so). */
    private static final class AbortSeen implements javax.imageio.event.IIOReadProgressListener {
        volatile boolean aborted;

        @Override
        public void readAborted(ImageReader source) {
            aborted = true;
        }

        @Override
        public void sequenceStarted(ImageReader source, int minIndex) {}

        @Override
        public void sequenceComplete(ImageReader source) {}

        @Override
        public void imageStarted(ImageReader source, int imageIndex) {}

        @Override
        public void imageProgress(ImageReader source, float percentageDone) {}

        @Override
        public void imageComplete(ImageReader source) {}

        @Override
        public void thumbnailStarted(ImageReader source, int imageIndex, int thumbnailIndex) {}

        @Override
        public void thumbnailProgress(ImageReader source, float percentageDone) {}

        @Override
        public void thumbnailComplete(ImageReader source) {}
    }

    /**
     * Warnings about colour management (a CMYK JPEG without an ICC profile, a broken profile the reader replaced) say
     * the colours are approximate, not that pixels are missing.
     */
    private static boolean isColourWarning(String warning) {
        String w = warning.toLowerCase(Locale.ROOT);
        return w.contains("icc") || w.contains("color profile") || w.contains("colour profile");
    }

    private static String formatName(ImageReader reader) {
        try {
            return reader.getFormatName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Names a few well-known formats ImageIO cannot read, for the refusal's detail. */
    static String sniff(byte[] b) {
        if (startsWith(b, 0, "RIFF") && startsWith(b, 8, "WEBP")) {
            return "WebP";
        }
        if (startsWith(b, 4, "ftypheic") || startsWith(b, 4, "ftypheix") || startsWith(b, 4, "ftypmif1")) {
            return "HEIC";
        }
        if (startsWith(b, 4, "ftypavif")) {
            return "AVIF";
        }
        if (startsWith(b, 0, "II*\0") || startsWith(b, 0, "MM\0*")) {
            return "TIFF";
        }
        String head = new String(b, 0, Math.min(b.length, 256), StandardCharsets.ISO_8859_1)
                .trim()
                .toLowerCase(Locale.ROOT);
        if (head.startsWith("<svg") || head.startsWith("<?xml") && head.contains("<svg")) {
            return "SVG";
        }
        if (head.startsWith("%pdf")) {
            return "PDF";
        }
        return "unrecognised bytes";
    }

    private static boolean startsWith(byte[] b, int offset, String ascii) {
        if (b.length < offset + ascii.length()) {
            return false;
        }
        for (int i = 0; i < ascii.length(); i++) {
            if (b[offset + i] != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
