package io.clipstream.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PercentilesTest {
    @Test
    void nearestRank() {
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = 100 - i; // 1..100, reversed
        }
        Percentiles p = new Percentiles(v);
        assertThat(p.at(50)).isEqualTo(50);
        assertThat(p.at(99)).isEqualTo(99);
        assertThat(p.at(100)).isEqualTo(100);
        assertThat(p.max()).isEqualTo(100);
    }

    @Test
    void smallSamples() {
        Percentiles p = new Percentiles(new double[] {7, 3});
        assertThat(p.at(50)).isEqualTo(3);
        assertThat(p.at(99)).isEqualTo(7);
        assertThatThrownBy(() -> new Percentiles(new double[0])).isInstanceOf(IllegalArgumentException.class);
    }
}
