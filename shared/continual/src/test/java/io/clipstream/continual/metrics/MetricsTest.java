package io.clipstream.continual.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {
    @Test
    void accBwtAndGains() {
        AccuracyMatrix m = new AccuracyMatrix(List.of("d0", "d1", "d2"));
        m.setRow(0, new double[] {0.90, 0.30, 0.20});
        m.setRow(1, new double[] {0.80, 0.85, 0.25});
        m.setRow(2, new double[] {0.70, 0.75, 0.88});
        assertThat(m.rows()).isEqualTo(3);
        assertThat(m.acc()).isCloseTo((0.70 + 0.75 + 0.88) / 3, within(1e-12));
        // BWT = ((0.70-0.90) + (0.75-0.85)) / 2 = -0.15
        assertThat(m.bwt()).isCloseTo(-0.15, within(1e-12));
        assertThat(m.gains()).containsExactly(0.85 - 0.30, 0.88 - 0.25);
        assertThat(m.toMarkdown("t")).contains("| +d2 | 70.0 | 75.0 | 88.0 |");
        assertThatThrownBy(() -> m.setRow(1, new double[] {1.5, 0, 0})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void forgettingCountsWhatADomainLostFromItsBestWhereBwtNetsItOut() {
        AccuracyMatrix m = new AccuracyMatrix(List.of("d0", "d1", "d2"));
        m.setRow(0, new double[] {0.90, 0.10, 0.10});
        m.setRow(1, new double[] {0.50, 0.80, 0.10}); // d0 lost 0.40
        m.setRow(2, new double[] {0.95, 0.60, 0.70}); // d0 regained beyond its first value, d1 lost 0.20
        // BWT = ((0.95-0.90) + (0.60-0.80)) / 2 = -0.075; forgetting = (max(0.90,0.50)-0.95 + 0.80-0.60) / 2 = 0.075
        assertThat(m.bwt()).isCloseTo(-0.075, within(1e-12));
        assertThat(m.forgetting()).isCloseTo(0.075, within(1e-12));
        m.setRow(2, new double[] {0.40, 0.60, 0.70});
        // d0's best before the end is 0.90 (row 0), not its 0.50 after d1: (0.50 + 0.20) / 2
        assertThat(m.forgetting()).isCloseTo(0.35, within(1e-12));
    }

    @Test
    void meanAndStudentTIntervalOfSeeds() {
        // three seeds 1, 2, 3: mean 2, sample sd 1, t(0.975, 2 df) = 4.3027, half-width 4.3027 / sqrt(3) = 2.4841
        SeedInterval i = SeedInterval.of(new double[] {1, 2, 3});
        assertThat(i.mean()).isCloseTo(2, within(1e-12));
        assertThat(i.halfWidth()).isCloseTo(2.4841, within(1e-4));
        assertThat(i.n()).isEqualTo(3);
        // five seeds: t(0.975, 4) = 2.7764; sd of 2,4,4,4,6 = sqrt(2)
        assertThat(SeedInterval.of(new double[] {2, 4, 4, 4, 6}).halfWidth())
                .isCloseTo(2.7764 * Math.sqrt(2) / Math.sqrt(5), within(1e-4));
        assertThat(SeedInterval.of(new double[] {0.5}).halfWidth()).isNaN();
        assertThat(SeedInterval.of(new double[] {0.25, 0.5}).format(100)).isEqualTo("37.5 ± 158.8");
    }

    @Test
    void bwtIsZeroWithOneRow() {
        AccuracyMatrix m = new AccuracyMatrix(List.of("d0", "d1"));
        m.setRow(0, new double[] {0.5, 0.1});
        assertThat(m.bwt()).isZero();
        assertThat(m.accSeen()).isEqualTo(0.5);
    }

    @Test
    void recallAtK() {
        float[][] sims = {
            {0.9f, 0.1f, 0.0f},
            {0.8f, 0.5f, 0.1f}, // partner ranked 2nd
            {0.0f, 0.1f, 0.7f}
        };
        assertThat(Retrieval.imageToText(sims, 1, null)).isCloseTo(2 / 3.0, within(1e-9));
        assertThat(Retrieval.imageToText(sims, 2, null)).isEqualTo(1.0);
        // text->image: column 0 best is image 0 (0.9), column 1 best is image 1 (0.5), column 2 best image 2
        assertThat(Retrieval.textToImage(sims, 1, null)).isEqualTo(1.0);
        // class-aware: images 0 and 1 share a label, so image 1 retrieving text 0 is a hit
        assertThat(Retrieval.imageToText(sims, 1, new int[] {4, 4, 5})).isEqualTo(1.0);
    }

    @Test
    void zeroShotUsesMeanOfTemplateEmbeddings() {
        float[][][] prompts = {
            {{1, 0}, {0.8f, 0.6f}},
            {{0, 1}, {-0.6f, 0.8f}}
        };
        float[][] cls = ZeroShot.classEmbeddings(prompts);
        assertThat(cls[0][0] * cls[0][0] + cls[0][1] * cls[0][1]).isCloseTo(1f, within(1e-6f));
        float[][] imgs = {{1, 0.1f}, {-0.2f, 1}, {0.9f, 0.5f}};
        assertThat(ZeroShot.predict(imgs, cls)).containsExactly(0, 1, 0);
        assertThat(ZeroShot.accuracy(imgs, cls, new int[] {0, 1, 1})).isCloseTo(2 / 3.0, within(1e-9));
    }

    @Test
    void aCollapsedModelScoresNoRecall() {
        float[][] same = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
        org.assertj.core.api.Assertions.assertThat(Retrieval.imageToText(same, 1, null))
                .isZero();
        org.assertj.core.api.Assertions.assertThat(Retrieval.textToImage(same, 1, null))
                .isZero();
        float[][] nan = {{Float.NaN, Float.NaN}, {Float.NaN, Float.NaN}};
        org.assertj.core.api.Assertions.assertThat(Retrieval.imageToText(nan, 1, null))
                .isZero();
    }
}
