package io.clipstream.curator.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PerceptualHashesTest {

    @Test
    void nearestIgnoresTheSamePairAndRespectsTheDistance() {
        PerceptualHashes h = PerceptualHashes.empty()
                .plus(new PerceptualHashes.Entry(0b1111L, "a"), 10)
                .plus(new PerceptualHashes.Entry(0b1100L, "b"), 10);
        assertThat(h.nearest(0b1110L, "x", 1))
                .get()
                .extracting(PerceptualHashes.Entry::identity)
                .isEqualTo("a");
        assertThat(h.nearest(0b1111L, "a", 2))
                .get()
                .extracting(PerceptualHashes.Entry::identity)
                .isEqualTo("b");
        assertThat(h.nearest(0b1111L, "a", 0)).isEmpty();
        assertThat(h.nearest(0b1111L, "x", 0)).isPresent();
    }

    @Test
    void capacityDropsTheOldest() {
        PerceptualHashes h = PerceptualHashes.empty();
        for (int i = 0; i < 5; i++) {
            h = h.plus(new PerceptualHashes.Entry(i, "p" + i), 3);
        }
        assertThat(h.entries()).extracting(PerceptualHashes.Entry::identity).containsExactly("p2", "p3", "p4");
    }

    @Test
    void serdeRoundTrips() {
        PerceptualHashes h = PerceptualHashes.empty()
                .plus(new PerceptualHashes.Entry(-1L, "pair-ü"), 10)
                .plus(new PerceptualHashes.Entry(42L, "p2"), 10);
        var serde = PerceptualHashes.serde();
        byte[] bytes = serde.serializer().serialize("t", h);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(h);
        assertThat(serde.deserializer().deserialize("t", null)).isNull();
    }
}
