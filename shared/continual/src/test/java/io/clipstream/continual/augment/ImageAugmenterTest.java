package io.clipstream.continual.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.continual.data.PixelImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageAugmenterTest {
    static PixelImage ramp() {
        float[] p = new float[28 * 28];
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                p[y * 28 + x] = x / 27f;
            }
        }
        return PixelImage.grey(28, 28, p);
    }

    @Test
    void flipMirrorsColumns() {
        PixelImage f = ImageAugmenter.hflip(ramp());
        assertThat(f.at(0, 5)).isEqualTo(1f);
        assertThat(ImageAugmenter.hflip(f)).isEqualTo(ramp());
    }

    @Test
    void fullCropIsIdentityAndCropKeepsSizeAndRange() {
        PixelImage img = ramp();
        assertThat(ImageAugmenter.cropResize(img, 0, 0, 28, 28, 28, 28)).isSameAs(img);
        PixelImage left = ImageAugmenter.cropResize(img, 0, 0, 14, 28, 28, 28);
        assertThat(left.width()).isEqualTo(28);
        assertThat(left.at(27, 0)).isLessThan(0.55f); // only the left half of the ramp
        Random rnd = new Random(3);
        for (int i = 0; i < 50; i++) {
            PixelImage a = ImageAugmenter.defaults().apply(img, rnd);
            assertThat(a.width()).isEqualTo(28);
            assertThat(a.height()).isEqualTo(28);
            for (float v : a.values()) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void jitterScalesBrightnessAndContrast() {
        PixelImage img = PixelImage.grey(2, 1, new float[] {0.2f, 0.4f});
        PixelImage b = ImageAugmenter.jitter(img, 2.0, 1.0);
        assertThat(b.values()[0]).isCloseTo(0.4f, within(1e-6f));
        PixelImage c = ImageAugmenter.jitter(img, 1.0, 0.0);
        assertThat(c.values()[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(c.values()[1]).isCloseTo(0.3f, within(1e-6f));
    }

    @Test
    void noneIsIdentity() {
        PixelImage img = ramp();
        assertThat(ImageAugmenter.none().apply(img, new Random(1))).isEqualTo(img);
    }

    @Test
    void rgbImagesKeepTheirChannelsThroughEveryTransform() {
        // 4x2 RGB: red ramp left to right, green constant, blue = row
        float[] v = new float[4 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                v[(y * 4 + x) * 3] = x / 3f;
                v[(y * 4 + x) * 3 + 1] = 0.5f;
                v[(y * 4 + x) * 3 + 2] = y;
            }
        }
        PixelImage img = new PixelImage(4, 2, 3, v);
        PixelImage f = ImageAugmenter.hflip(img);
        assertThat(f.channels()).isEqualTo(3);
        assertThat(f.at(0, 1, 0)).isEqualTo(1f);
        assertThat(f.at(0, 1, 2)).isEqualTo(1f);
        assertThat(f.at(3, 0, 1)).isEqualTo(0.5f);
        PixelImage right = ImageAugmenter.cropResize(img, 2, 0, 2, 2, 4, 2);
        assertThat(right.channels()).isEqualTo(3);
        assertThat(right.at(0, 0, 0)).isGreaterThan(0.6f); // only the right half of the red ramp
        assertThat(right.at(3, 1, 1)).isCloseTo(0.5f, within(1e-6f));
        assertThat(right.at(2, 1, 2)).isCloseTo(1f, within(1e-6f));
        assertThat(ImageAugmenter.defaults().apply(img, new Random(2)).channels())
                .isEqualTo(3);
        assertThat(img.rgb255()).hasSize(24).startsWith(0f, 127.5f, 0f);
    }
}
