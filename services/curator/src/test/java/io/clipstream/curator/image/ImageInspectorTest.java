package io.clipstream.curator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.QualityProfile;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageInspectorTest {
    private static final QualityProfile DEFAULTS = QualityProfile.defaults();

    @Test
    void sharpPhotoPassesWithFacts() {
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.photo(320, 240, 1)), DEFAULTS);

        assertThat(check.reasons()).isEmpty();
        assertThat(check.facts().format()).isEqualTo("png");
        assertThat(check.facts().contentType()).isEqualTo("image/png");
        assertThat(check.facts().width()).isEqualTo(320);
        assertThat(check.facts().height()).isEqualTo(240);
        assertThat(check.facts().sharpness()).isGreaterThan(DEFAULTS.minSharpness() * 3);
    }

    @Test
    void acceptsJpegGifAndBmp() {
        BufferedImage photo = TestImages.photo(300, 300, 2);
        assertThat(ImageInspector.inspect(TestImages.jpg(photo), DEFAULTS)
                        .facts()
                        .format())
                .isEqualTo("jpg");
        assertThat(ImageInspector.inspect(TestImages.encode(photo, "gif"), DEFAULTS)
                        .facts()
                        .format())
                .isEqualTo("gif");
        assertThat(ImageInspector.inspect(TestImages.encode(photo, "bmp"), DEFAULTS)
                        .facts()
                        .format())
                .isEqualTo("bmp");
    }

    @Test
    void noBytesIsMissing() {
        assertThat(ImageInspector.inspect(new byte[0], DEFAULTS).reasons()).containsExactly(ReasonCode.IMAGE_MISSING);
        assertThat(ImageInspector.inspect(null, DEFAULTS).reasons()).containsExactly(ReasonCode.IMAGE_MISSING);
    }

    @Test
    void tooManyBytesIsRefusedBeforeReading() {
        QualityProfile small = withMaxBytes(1000);
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.photo(300, 300, 3)), small);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_TOO_MANY_BYTES);
        assertThat(check.facts()).isNull();
    }

    @Test
    void truncatedPngIsCorrupt() {
        byte[] png = TestImages.png(TestImages.photo(300, 300, 4));
        ImageCheck check = ImageInspector.inspect(TestImages.truncated(png, 0.5), DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_CORRUPT);
    }

    @Test
    void truncatedJpegIsCorrupt() {
        byte[] jpg = TestImages.jpg(TestImages.photo(300, 300, 5));
        assertThat(ImageInspector.inspect(TestImages.truncated(jpg, 0.6), DEFAULTS)
                        .reasons())
                .containsExactly(ReasonCode.IMAGE_CORRUPT);
    }

    @Test
    void pngWithBrokenHeaderIsCorrupt() {
        byte[] png = TestImages.png(TestImages.photo(300, 300, 6));
        png[25] ^= 0x55; // IHDR colour type 2 -> 0x57, which no PNG has
        assertThat(ImageInspector.inspect(png, DEFAULTS).reasons()).containsExactly(ReasonCode.IMAGE_CORRUPT);
    }

    @Test
    void headerClaiming50kBy50kIsABombAndIsNotDecoded() {
        byte[] bomb = TestImages.pngClaiming(50_000, 50_000);
        assertThat(bomb.length).isLessThan(200);

        long start = System.nanoTime();
        ImageCheck check = ImageInspector.inspect(bomb, DEFAULTS);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_DECOMPRESSION_BOMB);
        assertThat(check.details().getFirst()).contains("50000x50000");
        assertThat(millis).isLessThan(2_000); // decoding 2.5 G pixels would take far longer, or run out of memory
    }

    @Test
    void unknownBytesAndHeicAreUnsupported() {
        byte[] random = new byte[500];
        new Random(7).nextBytes(random);
        random[0] = 0x42; // not a zero byte: no WBMP match
        assertThat(ImageInspector.inspect(random, DEFAULTS).reasons())
                .containsExactly(ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
        ImageCheck heic = ImageInspector.inspect(TestImages.heicHeader(), DEFAULTS);
        assertThat(heic.reasons()).containsExactly(ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
        assertThat(heic.details().getFirst()).contains("HEIC");
    }

    @Test
    void tiffIsReadableButNotAccepted() {
        byte[] tiff = TestImages.encode(TestImages.photo(300, 300, 8), "tiff");
        assertThat(ImageInspector.inspect(tiff, DEFAULTS).reasons())
                .containsExactly(ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
    }

    @Test
    void onePixelImageIsTooSmallOnly() {
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.photo(1, 1, 9)), DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_TOO_SMALL);
        assertThat(check.facts().width()).isEqualTo(1);
    }

    @Test
    void panoramaHasExtremeAspectRatio() {
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.photo(1000, 250, 10)), DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_EXTREME_ASPECT_RATIO);
    }

    @Test
    void smallAndStretchedGivesBothReasons() {
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.photo(400, 100, 11)), DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_TOO_SMALL, ReasonCode.IMAGE_EXTREME_ASPECT_RATIO);
    }

    @Test
    void blankImageIsBlurry() {
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.blank(300, 300, Color.GRAY)), DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_BLURRY);
        assertThat(check.facts().sharpness()).isLessThan(1);
    }

    @Test
    void gaussianBlurredPhotoIsBlurryWhileTheOriginalIsNot() {
        BufferedImage photo = TestImages.photo(400, 300, 12);
        ImageCheck sharp = ImageInspector.inspect(TestImages.png(photo), DEFAULTS);
        ImageCheck blurred = ImageInspector.inspect(TestImages.png(TestImages.gaussianBlur(photo, 3.0)), DEFAULTS);

        assertThat(sharp.reasons()).isEmpty();
        assertThat(blurred.reasons()).containsExactly(ReasonCode.IMAGE_BLURRY);
        assertThat(blurred.facts().sharpness()).isLessThan(sharp.facts().sharpness() / 10);
    }

    @Test
    void largeImagesAreAnalysedSubsampledButReportTheirRealSize() {
        ImageCheck check = ImageInspector.inspect(TestImages.png(TestImages.photo(2400, 1800, 13)), DEFAULTS);
        assertThat(check.reasons()).isEmpty();
        assertThat(check.facts().width()).isEqualTo(2400);
        assertThat(check.facts().height()).isEqualTo(1800);
    }

    private static QualityProfile withMaxBytes(long maxBytes) {
        QualityProfile d = DEFAULTS;
        return new QualityProfile(
                "small",
                maxBytes,
                d.maxPixels(),
                d.minSide(),
                d.maxAspectRatio(),
                d.minSharpness(),
                d.minTextChars(),
                d.maxTextChars(),
                d.minLetterRatio(),
                d.nearDuplicateMaxDistance());
    }
}
