package io.clipstream.curator.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HashBandsTest {

    @Test
    void theBandsCoverEveryBitOnce() {
        for (int count = 1; count <= 64; count++) {
            HashBands bands = new HashBands(count);
            assertThat(IntStream.range(0, count).map(bands::width).sum())
                    .as("%d bands", count)
                    .isEqualTo(64);
            long rebuilt = 0;
            long hash = 0x9E3779B97F4A7C15L;
            for (int band = 0; band < count; band++) {
                rebuilt |= bands.value(hash, band) << bands.start(band);
            }
            assertThat(rebuilt).as("%d bands", count).isEqualTo(hash);
        }
    }

    @Test
    void hashesWithinTheDistanceShareABandValueAmongTheFirstDistancePlusOneBands() {
        HashBands bands = HashBands.forMaxDistance(6);
        SplittableRandom random = new SplittableRandom(7);
        for (int trial = 0; trial < 20_000; trial++) {
            long a = random.nextLong();
            int distance = random.nextInt(0, 7);
            long b = a;
            while (Long.bitCount(a ^ b) < distance) {
                b ^= 1L << random.nextInt(64);
            }
            int checked = distance + 1;
            long a0 = a;
            long b0 = b;
            assertThat(IntStream.range(0, checked).anyMatch(band -> bands.value(a0, band) == bands.value(b0, band)))
                    .as("%016x vs %016x, %d bits apart", a, b, distance)
                    .isTrue();
        }
    }

    @Test
    void bucketKeysNameTheLayoutSoAnotherLayoutStartsEmpty() {
        long hash = 0xFFFF_0000_1234_5678L;
        assertThat(new HashBands(5).bucketKey("c0ffee", hash, 0))
                .isEqualTo("c0ffee/5.0." + Long.toHexString(hash & 0x1FFF));
        assertThat(new HashBands(1).bucketKey("c0ffee", hash, 0)).isEqualTo("c0ffee/1.0." + Long.toHexString(hash));
        assertThat(new HashBands(4).bucketKey("c0ffee", hash, 0))
                .isNotEqualTo(new HashBands(5).bucketKey("c0ffee", hash, 0));
    }

    @Test
    void theLayoutFollowsTheLargestDistance() {
        assertThat(HashBands.forMaxDistance(0).count()).isEqualTo(1);
        assertThat(HashBands.forMaxDistance(4).count()).isEqualTo(5);
        assertThat(HashBands.forMaxDistance(64).count()).isEqualTo(64);
        assertThatThrownBy(() -> new HashBands(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
