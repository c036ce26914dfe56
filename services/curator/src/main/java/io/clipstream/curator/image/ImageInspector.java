package io.clipstream.curator.image;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;

import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks one encoded image against a {@link QualityProfile}, cheapest test first:
 * <ol>
 *   <li>bytes present (IMAGE_MISSING) and within the byte limit (IMAGE_TOO_MANY_BYTES);</li>
 *   <li>an accepted format: PNG (8 and 16 bit, interlaced), JPEG (RGB, grey, CMYK/YCCK through the
 *       TwelveMonkeys reader), GIF (the first frame of an animation), BMP, WebP
 *       (IMAGE_UNSUPPORTED_FORMAT); BMPs that embed PNG or
 *       JPEG data are refused, and JPEGs with more scans than {@link DecodeLimits#maxJpegScans()}
 *       are IMAGE_DECOMPRESSION_BOMB (see {@link FormatGuards});</li>
 *   <li>width and height from the header, before any pixel is decoded: above the pixel budget the
 *       image is refused as IMAGE_DECOMPRESSION_BOMB and never decoded;</li>
 *   <li>full decode; any decoder error or warning (truncated data) is IMAGE_CORRUPT; a decoder that
 *       throws an {@link Error} (OutOfMemoryError, StackOverflowError) or runs past the time budget
 *       is IMAGE_UNREADABLE - never an exception out of this class;</li>
 *   <li>geometry: IMAGE_TOO_SMALL, IMAGE_EXTREME_ASPECT_RATIO;</li>
 *   <li>sharpness: variance of the Laplacian on greyscale below the threshold is IMAGE_BLURRY.</li>
 * </ol>
 * A JPEG's EXIF orientation is applied: width and height are reported as displayed, and sharpness
 * and the perceptual hash are measured on the upright image (a rotated copy is a near duplicate).
 * Sharpness and the perceptual hash are measured at an analysis resolution (longer side at most
 * {@value #ANALYSIS_MAX_SIDE} px): CLIP sees images at 224-336 px, so blur that vanishes at that
 * scale does not matter, and large images cost no more than a 512 px one. Large images are
 * decoded with source subsampling (longer side at most {@value #DECODE_MAX_SIDE} px) to bound memory.
 */
public final class ImageInspector {
    public static final int ANALYSIS_MAX_SIDE = 512;
    public static final int DECODE_MAX_SIDE = 1024;

    /** ImageIO format name (lower case) -> file extension and content type of the accepted formats. */
    private static final Map<String, String[]> ACCEPTED = Map.of(
            "png", new String[]{"png", "image/png"},
            "jpeg", new String[]{"jpg", "image/jpeg"},
            "gif", new String[]{"gif", "image/gif"},
            "bmp", new String[]{"bmp", "image/bmp"},
            "webp", new String[]{"webp", "image/webp"});

    static {
        ImageIO.setUseCache(false); // decode in memory, never through temp files
    }

    private ImageInspector() {
    }

    public static ImageCheck inspect(byte[] bytes, QualityProfile profile) {
        return inspect(bytes, profile, DecodeLimits.DEFAULTS);
    }

    public static ImageCheck inspect(byte[] bytes, QualityProfile profile, DecodeLimits limits) {
        try {
            return inspectBounded(bytes, profile, limits);
        } catch (VirtualMachineError | LinkageError | AssertionError e) {
            // A decoder that asks for gigabytes or recurses without end fails this image, not the
            // stream: the allocation that failed was never made, and the deep stack is unwound.
            return ImageCheck.refuse(ReasonCode.IMAGE_UNREADABLE, "image decoder failed: " + e);
        }
    }

    private static ImageCheck inspectBounded(byte[] bytes, QualityProfile profile, DecodeLimits limits) {
        if (bytes == null || bytes.length == 0) {
            return ImageCheck.refuse(ReasonCode.IMAGE_MISSING, "no image bytes");
        }
        if (bytes.length > profile.maxImageBytes()) {
            return ImageCheck.refuse(ReasonCode.IMAGE_TOO_MANY_BYTES,
                    "image has " + bytes.length + " bytes, limit " + profile.maxImageBytes());
        }
        if (FormatGuards.isBmpWithEmbeddedCompression(bytes)) {
            return ImageCheck.refuse(ReasonCode.IMAGE_UNSUPPORTED_FORMAT,
                    "BMP with embedded PNG/JPEG compression is not accepted; send the PNG or JPEG itself");
        }
        int scans = FormatGuards.jpegScanCount(bytes, limits.maxJpegScans());
        if (scans > limits.maxJpegScans()) {
            return ImageCheck.refuse(ReasonCode.IMAGE_DECOMPRESSION_BOMB, "JPEG with more than "
                    + limits.maxJpegScans() + " scans (not decoded)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return ImageCheck.refuse(ReasonCode.IMAGE_UNSUPPORTED_FORMAT,
                        "not an accepted image format (" + sniff(bytes) + "); accepted: png, jpg, gif, bmp, webp");
            }
            ImageReader reader = readers.next();
            try {
                return inspect(reader, in, bytes, profile, limits);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return ImageCheck.refuse(ReasonCode.IMAGE_CORRUPT, "image cannot be read: " + e);
        }
    }

    private static ImageCheck inspect(ImageReader reader, ImageInputStream in, byte[] bytes, QualityProfile profile,
                                      DecodeLimits limits) {
        String formatName = formatName(reader);
        String[] format = ACCEPTED.get(formatName);
        if (format == null) {
            return ImageCheck.refuse(ReasonCode.IMAGE_UNSUPPORTED_FORMAT,
                    "image format " + formatName + " is not accepted; accepted: png, jpg, gif, bmp, webp");
        }
        reader.setInput(in, true, true);
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));

        // 1. header only
        int width;
        int height;
        try {
            width = reader.getWidth(0);
            height = reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            return ImageCheck.refuse(ReasonCode.IMAGE_CORRUPT, format[0] + " header unreadable: " + e.getMessage());
        }
        if (width < 1 || height < 1) {
            return ImageCheck.refuse(ReasonCode.IMAGE_CORRUPT, format[0] + " header claims " + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > profile.maxPixels()) {
            return ImageCheck.refuse(ReasonCode.IMAGE_DECOMPRESSION_BOMB, format[0] + " header claims " + width + "x"
                    + height + " = " + pixels + " pixels, limit " + profile.maxPixels() + " (not decoded)");
        }

        // 2. decode (subsampled when large)
        BufferedImage image;
        try (DecodeWatchdog.Watch watch = DecodeWatchdog.watch(reader, limits.timeBudget())) {
            ImageReadParam param = reader.getDefaultReadParam();
            int step = (Math.max(width, height) + DECODE_MAX_SIDE - 1) / DECODE_MAX_SIDE;
            if (step > 1) {
                param.setSourceSubsampling(step, step, 0, 0);
            }
            image = reader.read(0, param);
            if (watch.expired()) {
                return ImageCheck.refuse(ReasonCode.IMAGE_UNREADABLE, format[0] + " took longer than the "
                        + watch.budget().toMillis() + " ms decoding budget");
            }
        } catch (IIOException e) {
            String msg = String.valueOf(e.getMessage());
            ReasonCode code = msg.toLowerCase(Locale.ROOT).contains("unsupported")
                    ? ReasonCode.IMAGE_UNSUPPORTED_FORMAT : ReasonCode.IMAGE_CORRUPT;
            return ImageCheck.refuse(code, format[0] + " cannot be decoded: " + msg);
        } catch (IOException | RuntimeException e) {
            return ImageCheck.refuse(ReasonCode.IMAGE_CORRUPT, format[0] + " cannot be decoded: " + e);
        }
        if (image == null) {
            return ImageCheck.refuse(ReasonCode.IMAGE_CORRUPT, format[0] + " decoded to nothing");
        }
        List<String> corruption = warnings.stream().filter(w -> !isColourWarning(w)).toList();
        if (!corruption.isEmpty()) {
            return ImageCheck.refuse(ReasonCode.IMAGE_CORRUPT, format[0] + " decoder warning: " + corruption.getFirst());
        }

        // 3. measures, on the image as displayed
        int orientation = "jpg".equals(format[0]) ? ExifOrientation.of(bytes) : ExifOrientation.NORMAL;
        if (ExifOrientation.swapsSides(orientation)) {
            int w = width;
            width = height;
            height = w;
        }
        GreyImage grey = GreyImage.of(image).fitWithin(ANALYSIS_MAX_SIDE).oriented(orientation);
        double sharpness = grey.laplacianVariance();
        ImageFacts facts = new ImageFacts(format[0], format[1], width, height, sharpness, PerceptualHash.of(grey));

        // 4. quality
        List<ReasonCode> reasons = new ArrayList<>();
        List<String> details = new ArrayList<>();
        int shorter = Math.min(width, height);
        if (shorter < profile.minSide()) {
            reasons.add(ReasonCode.IMAGE_TOO_SMALL);
            details.add("image is " + width + "x" + height + ", shorter side below " + profile.minSide());
        }
        double aspect = (double) Math.max(width, height) / shorter;
        if (aspect > profile.maxAspectRatio()) {
            reasons.add(ReasonCode.IMAGE_EXTREME_ASPECT_RATIO);
            details.add(String.format(Locale.ROOT, "aspect ratio %.2f above %.2f", aspect, profile.maxAspectRatio()));
        }
        // The Laplacian says nothing about an image of a few pixels; IMAGE_TOO_SMALL covers those.
        if (Math.min(grey.width(), grey.height()) >= 3 && sharpness < profile.minSharpness()) {
            reasons.add(ReasonCode.IMAGE_BLURRY);
            details.add(String.format(Locale.ROOT, "sharpness (variance of the Laplacian) %.1f below %.1f",
                    sharpness, profile.minSharpness()));
        }
        return new ImageCheck(reasons, details, facts);
    }

    /**
     * Warnings about colour management (a CMYK JPEG without an ICC profile, a broken profile the
     * reader replaced) say the colours are approximate, not that pixels are missing.
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

    /** Names a few well-known formats ImageIO cannot read, for the rejection detail. */
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
        String head = new String(b, 0, Math.min(b.length, 256), StandardCharsets.ISO_8859_1).trim().toLowerCase(Locale.ROOT);
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
