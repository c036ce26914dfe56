package io.clipstream.continual.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.clipstream.continual.data.GreyImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageAugmenterTest {
    static GreyImage ramp() {
        float[] p = new float[28 * 28];
        for (int y = 0; y < 28; y++) for (int x = 0; x < 28; x++) p[y * 28 + x] = x / 27f;
        return new GreyImage(28, 28, p);
    }

    @Test
    void flipMirrorsColumns() {
        GreyImage f = ImageAugmenter.hflip(ramp());
        assertThat(f.at(0, 5)).isEqualTo(1f);
        assertThat(ImageAugmenter.hflip(f)).isEqualTo(ramp());
    }

    @Test
    void fullCropIsIdentityAndCropKeepsSizeAndRange() {
        GreyImage img = ramp();
        assertThat(ImageAugmenter.cropResize(img, 0, 0, 28, 28, 28, 28)).isSameAs(img);
        GreyImage left = ImageAugmenter.cropResize(img, 0, 0, 14, 28, 28, 28);
        assertThat(left.width()).isEqualTo(28);
        assertThat(left.at(27, 0)).isLessThan(0.55f); // only the left half of the ramp
        Random rnd = new Random(3);
        for (int i = 0; i < 50; i++) {
            GreyImage a = ImageAugmenter.defaults().apply(img, rnd);
            assertThat(a.width()).isEqualTo(28);
            assertThat(a.height()).isEqualTo(28);
            for (float v : a.pixels()) assertThat(v).isBetween(0f, 1f);
        }
    }

    @Test
    void jitterScalesBrightnessAndContrast() {
        GreyImage img = new GreyImage(2, 1, new float[] {0.2f, 0.4f});
        GreyImage b = ImageAugmenter.jitter(img, 2.0, 1.0);
        assertThat(b.pixels()[0]).isCloseTo(0.4f, within(1e-6f));
        GreyImage c = ImageAugmenter.jitter(img, 1.0, 0.0);
        assertThat(c.pixels()[0]).isCloseTo(0.3f, within(1e-6f));
        assertThat(c.pixels()[1]).isCloseTo(0.3f, within(1e-6f));
    }

    @Test
    void noneIsIdentity() {
        GreyImage img = ramp();
        assertThat(ImageAugmenter.none().apply(img, new Random(1))).isEqualTo(img);
    }
}
