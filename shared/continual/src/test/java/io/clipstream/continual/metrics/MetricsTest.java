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
            {0.0f, 0.1f, 0.7f}};
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
            {{0, 1}, {-0.6f, 0.8f}}};
        float[][] cls = ZeroShot.classEmbeddings(prompts);
        assertThat(cls[0][0] * cls[0][0] + cls[0][1] * cls[0][1]).isCloseTo(1f, within(1e-6f));
        float[][] imgs = {{1, 0.1f}, {-0.2f, 1}, {0.9f, 0.5f}};
        assertThat(ZeroShot.predict(imgs, cls)).containsExactly(0, 1, 0);
        assertThat(ZeroShot.accuracy(imgs, cls, new int[] {0, 1, 1})).isCloseTo(2 / 3.0, within(1e-9));
    }

    @Test
    void aCollapsedModelScoresNoRecall() {
        float[][] same = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
        org.assertj.core.api.Assertions.assertThat(Retrieval.imageToText(same, 1, null)).isZero();
        org.assertj.core.api.Assertions.assertThat(Retrieval.textToImage(same, 1, null)).isZero();
        float[][] nan = {{Float.NaN, Float.NaN}, {Float.NaN, Float.NaN}};
        org.assertj.core.api.Assertions.assertThat(Retrieval.imageToText(nan, 1, null)).isZero();
    }
}
