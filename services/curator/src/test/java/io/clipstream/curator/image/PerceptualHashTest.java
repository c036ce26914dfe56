package io.clipstream.curator.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.curator.TestImages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PerceptualHashTest {

    @Test
    void hexIsSixteenLowerCaseDigitsAndRoundTrips() {
        long hash = 0x8000_0000_0000_00abL;
        assertThat(PerceptualHash.toHex(hash)).isEqualTo("80000000000000ab");
        assertThat(PerceptualHash.fromHex("80000000000000ab")).isEqualTo(hash);
    }

    @Test
    void hammingDistanceCountsDifferentBits() {
        assertThat(PerceptualHash.hammingDistance(0b1011L, 0b0010L)).isEqualTo(2);
        assertThat(PerceptualHash.hammingDistance(-1L, 0L)).isEqualTo(64);
    }

    @Test
    void onePixelChangedAndReEncodedStaysClose() throws IOException {
        BufferedImage photo = TestImages.photo(320, 240, 21);
        BufferedImage touched = TestImages.copyWithPixel(photo, 100, 100, 0xff0000);
        long a = hash(TestImages.png(photo));
        long b = hash(TestImages.jpg(touched));
        assertThat(PerceptualHash.hammingDistance(a, b)).isLessThanOrEqualTo(2);
    }

    @Test
    void rescaledImageStaysClose() {
        BufferedImage photo = TestImages.photo(640, 480, 22);
        GreyImage full = GreyImage.of(photo);
        GreyImage half = full.resize(320, 240);
        assertThat(PerceptualHash.hammingDistance(PerceptualHash.of(full), PerceptualHash.of(half)))
                .isLessThanOrEqualTo(4);
    }

    @Test
    void differentImagesAreFarApart() {
        int min = 64;
        for (int seed = 0; seed < 20; seed++) {
            long a = PerceptualHash.of(GreyImage.of(TestImages.photo(200, 200, 100 + seed)));
            long b = PerceptualHash.of(GreyImage.of(TestImages.photo(200, 200, 200 + seed)));
            min = Math.min(min, PerceptualHash.hammingDistance(a, b));
        }
        assertThat(min).isGreaterThan(10);
    }

    @Test
    void laplacianVarianceOfFlatImageIsZeroAndOfCheckerboardIsHigh() {
        double[] flat = new double[100];
        java.util.Arrays.fill(flat, 128);
        assertThat(new GreyImage(10, 10, flat).laplacianVariance()).isZero();
        double[] checker = new double[100];
        for (int i = 0; i < 100; i++) {
            checker[i] = ((i / 10 + i % 10) % 2) * 255.0;
        }
        assertThat(new GreyImage(10, 10, checker).laplacianVariance()).isGreaterThan(10_000);
    }

    @Test
    void boxResizeKeepsTheMean() {
        GreyImage g = GreyImage.of(TestImages.photo(97, 61, 23));
        GreyImage small = g.resize(32, 32);
        GreyImage big = g.resize(200, 150);
        assertThat(mean(small)).isCloseTo(mean(g), org.assertj.core.data.Offset.offset(0.5));
        assertThat(mean(big)).isCloseTo(mean(g), org.assertj.core.data.Offset.offset(0.5));
    }

    private static double mean(GreyImage g) {
        return java.util.Arrays.stream(g.pixels()).average().orElseThrow();
    }

    private static long hash(byte[] encoded) throws IOException {
        return PerceptualHash.of(GreyImage.of(ImageIO.read(new ByteArrayInputStream(encoded))));
    }
}
