package io.clipstream.trainer.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.clipstream.continual.data.PixelImage;
import org.junit.jupiter.api.Test;

class DecodedImagesTest {
    private static PixelImage image(int pixels) {
        return PixelImage.grey(pixels, 1, new float[pixels]);
    }

    @Test
    void theLeastRecentlyUsedImagesLeaveFirstAndNoneLargerThanTheBudgetEnters() {
        // 100 floats = 464 bytes with the overhead counted: two fit in 1,000 bytes, three do not
        Materialiser.DecodedImages cache = new Materialiser.DecodedImages(1000);
        cache.put("a", image(100));
        cache.put("b", image(100));
        assertThat(cache.get("a")).isNotNull(); // a is now the most recently used
        cache.put("c", image(100));
        assertThat(cache.get("b")).as("least recently used").isNull();
        assertThat(cache.get("a")).isNotNull();
        assertThat(cache.get("c")).isNotNull();
        cache.put("huge", image(1000));
        assertThat(cache.get("huge")).as("larger than the whole budget").isNull();
        assertThat(cache.get("a")).as("and it evicted nothing").isNotNull();
        assertThat(new Materialiser.DecodedImages(0).hasRoom()).isFalse();
    }
}
