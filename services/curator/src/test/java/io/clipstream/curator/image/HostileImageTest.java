package io.clipstream.curator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.contracts.ReasonCode;
import io.clipstream.curator.TestImages;
import io.clipstream.curator.config.QualityProfile;
import io.clipstream.imaging.DecodeLimits;
import io.clipstream.imaging.FormatGuards;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Inputs that make decoders allocate, recurse or loop without bound end as rejections, never as errors. */
class HostileImageTest {
    private static final QualityProfile DEFAULTS = QualityProfile.defaults();

    @Test
    void bmpWithEmbeddedPngIsRefusedBeforeTheJdkReaderAllocatesItsClaim() {
        byte[] bmp = HostileImages.bmpWithEmbeddedPng();
        assertThat(bmp).hasSize(70);
        assertThat(FormatGuards.isBmpWithEmbeddedCompression(bmp)).isTrue();
        ImageCheck check = ImageInspector.inspect(bmp, DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_UNSUPPORTED_FORMAT);
        assertThat(check.details().getFirst()).contains("embedded");
    }

    @Test
    void ordinaryBmpsStillPass() {
        byte[] bmp = TestImages.encode(TestImages.photo(300, 300, 5), "bmp");
        assertThat(FormatGuards.isBmpWithEmbeddedCompression(bmp)).isFalse();
        assertThat(ImageInspector.inspect(bmp, DEFAULTS).passed()).isTrue();
    }

    @Test
    void progressiveJpegWithThousandsOfScansIsABombRefusedUndecoded() {
        byte[] bomb = HostileImages.progressiveJpegWithScans(5_000);
        assertThat(FormatGuards.jpegScanCount(bomb, Integer.MAX_VALUE)).isEqualTo(5_000);
        long start = System.nanoTime();
        ImageCheck check = ImageInspector.inspect(bomb, DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_DECOMPRESSION_BOMB);
        assertThat(check.details().getFirst()).contains("more than 100 scans");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .as("refused from its markers")
                .isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void ordinaryProgressiveJpegsHaveFewScansAndPass() {
        byte[] jpeg = HostileImages.progressiveJpeg(TestImages.photo(320, 240, 9));
        int scans = FormatGuards.jpegScanCount(jpeg, Integer.MAX_VALUE);
        assertThat(scans).isBetween(2, 20);
        assertThat(FormatGuards.jpegScanCount(TestImages.jpg(TestImages.photo(320, 240, 9)), Integer.MAX_VALUE))
                .isEqualTo(1);
        assertThat(ImageInspector.inspect(jpeg, DEFAULTS).passed()).isTrue();
    }

    @Test
    void aDecoderThatThrowsAnErrorFailsTheImageNotTheCaller() {
        HostileImages.ErrorThrowingDecoder.install();
        ImageCheck check = ImageInspector.inspect(HostileImages.forErrorThrowingDecoder(), DEFAULTS);
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_UNREADABLE);
        assertThat(check.details().getFirst()).contains("StackOverflowError");
    }

    /**
     * A decode that outlives its budget is stopped where it is, not left to finish: the reader reports the abort
     * (ImageIO's readAborted) only when it noticed it midway. A 2000x2000 PNG takes far longer than 5 ms to inflate.
     */
    @Test
    void aSlowDecodeIsAbortedMidwayNotLeftToFinish() {
        byte[] big = TestImages.png(TestImages.photo(2000, 2000, 3));
        ImageCheck check = ImageInspector.inspect(big, DEFAULTS, new DecodeLimits(Duration.ofMillis(5), 100));
        assertThat(check.reasons()).containsExactly(ReasonCode.IMAGE_UNREADABLE);
        assertThat(check.details().getFirst()).contains("aborted midway").contains("5 ms decoding budget");
    }
}
