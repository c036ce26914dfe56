package io.clipstream.curator.image;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.imaging.DecodeLimits;
import io.clipstream.imaging.GuardedDecoder;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Checks one encoded image against a {@link QualityProfile}, cheapest test first (steps 1-4 are the shared
 * {@link GuardedDecoder}'s, which the search service's image query goes through too):
 * <ol>
 *   <li>bytes present (IMAGE_MISSING) and within the byte limit (IMAGE_TOO_MANY_BYTES);</li>
 *   <li>an accepted format: PNG (8 and 16 bit, interlaced), JPEG (RGB, grey, CMYK/YCCK through the
 *       TwelveMonkeys reader), GIF (the first frame of an animation), BMP, WebP
 *       (IMAGE_UNSUPPORTED_FORMAT); BMPs that embed PNG or
 *       JPEG data are refused, and JPEGs with more scans than {@link DecodeLimits#maxJpegScans()}
 *       are IMAGE_DECOMPRESSION_BOMB (see {@link io.clipstream.imaging.FormatGuards});</li>
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

    private ImageInspector() {}

    public static ImageCheck inspect(byte[] bytes, QualityProfile profile) {
        return inspect(bytes, profile, DecodeLimits.DEFAULTS);
    }

    public static ImageCheck inspect(byte[] bytes, QualityProfile profile, DecodeLimits limits) {
        try {
            return switch (GuardedDecoder.decode(
                    bytes, profile.maxImageBytes(), profile.maxPixels(), limits, DECODE_MAX_SIDE)) {
                case GuardedDecoder.Refused r -> ImageCheck.refuse(reasonOf(r.reason()), r.detail());
                case GuardedDecoder.Image img -> measure(img, bytes, profile);
            };
        } catch (VirtualMachineError | LinkageError | AssertionError e) {
            // measuring a huge decoded image fails this image, not the stream
            return ImageCheck.refuse(ReasonCode.IMAGE_UNREADABLE, "image analysis failed: " + e);
        }
    }

    private static ReasonCode reasonOf(GuardedDecoder.Refusal r) {
        return switch (r) {
            case MISSING -> ReasonCode.IMAGE_MISSING;
            case TOO_MANY_BYTES -> ReasonCode.IMAGE_TOO_MANY_BYTES;
            case UNSUPPORTED_FORMAT -> ReasonCode.IMAGE_UNSUPPORTED_FORMAT;
            case DECOMPRESSION_BOMB -> ReasonCode.IMAGE_DECOMPRESSION_BOMB;
            case CORRUPT -> ReasonCode.IMAGE_CORRUPT;
            case UNREADABLE -> ReasonCode.IMAGE_UNREADABLE;
        };
    }

    private static ImageCheck measure(GuardedDecoder.Image decoded, byte[] bytes, QualityProfile profile) {
        BufferedImage image = decoded.image();
        int width = decoded.width();
        int height = decoded.height();
        String[] format = {decoded.extension(), decoded.contentType()};

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
            details.add(String.format(
                    Locale.ROOT,
                    "sharpness (variance of the Laplacian) %.1f below %.1f",
                    sharpness,
                    profile.minSharpness()));
        }
        return new ImageCheck(reasons, details, facts);
    }
}
