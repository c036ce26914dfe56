package io.clipstream.continual.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

class RoutedEmbedderTest {
    private static double squares(double[] w) {
        double s = 0;
        for (double x : w) {
            s += x * x;
        }
        return s;
    }

    @Test
    void aConfidentRouteIsItsExpertAlone() {
        assertThat(RoutedEmbedder.blockWeights(new double[] {0.02, 0.95, 0.03}, 1))
                .containsExactly(0, 1, 0);
        assertThat(RoutedEmbedder.blockWeights(new double[] {1.0}, 0)).containsExactly(1);
    }

    @Test
    void anUnsureRouteWeighsTheLikelyExpertsByTheirProbabilityAtUnitNorm() {
        double[] w = RoutedEmbedder.blockWeights(new double[] {0.6, 0.35, 0.05}, 0);
        assertThat(w[2]).isZero();
        assertThat(w[0] / w[1]).isCloseTo(0.6 / 0.35, offset(1e-12));
        assertThat(squares(w)).isCloseTo(1.0, offset(1e-12));
    }

    @Test
    void theRoutedExpertCountsEvenBelowTheMinimumShare() {
        double[] p = new double[12];
        java.util.Arrays.fill(p, 1.0 / 12);
        p[3] += 0.001;
        p[4] -= 0.001;
        double[] w = RoutedEmbedder.blockWeights(p, 4);
        assertThat(w[4]).isEqualTo(1.0);
        assertThat(squares(w)).isCloseTo(1.0, offset(1e-12));
    }
}
