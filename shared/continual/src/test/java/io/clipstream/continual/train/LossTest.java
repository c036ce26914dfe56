package io.clipstream.continual.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.clipstream.clip.ClipOutput;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossTest {
    @Test
    void infoNceIsLogBatchForUniformLogitsAndSmallForAlignedPairs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray same = m.ones(new ai.djl.ndarray.types.Shape(4, 2)).div((float) Math.sqrt(2));
            float uniform = ContrastiveLoss.symmetric(new ClipOutput(same, same, m.create(10f)), null)
                    .getFloat();
            assertThat(uniform).isCloseTo((float) Math.log(4), within(1e-4f));
            NDArray eye = m.eye(4);
            assertThat(ContrastiveLoss.symmetric(new ClipOutput(eye, eye, m.create(100f)), null)
                            .getFloat())
                    .isLessThan(1e-3f);
            // class-aware: rows 0 and 1 share a group -> target 0.5/0.5
            NDArray t = ContrastiveLoss.targets(m, 3, new int[] {5, 5, 7});
            assertThat(t.toFloatArray()).containsExactly(0.5f, 0.5f, 0f, 0.5f, 0.5f, 0f, 0f, 0f, 1f);
            // multi-positive loss: same-class captions are not negatives, and the scale is clamped at 100
            NDArray img = m.create(new float[] {1, 0, 1, 0, 0, 1}, new Shape(3, 2));
            float grouped = ContrastiveLoss.symmetric(new ClipOutput(img, img, m.create(1e4f)), new int[] {5, 5, 7})
                    .getFloat();
            // at its optimum the loss is the entropy of the targets: rows 0,1 have two positives -> (ln2 + ln2 + 0) / 3
            assertThat(grouped).isCloseTo((float) (2 * Math.log(2) / 3), within(1e-4f));
            assertThat(ContrastiveLoss.clampedScale(new ClipOutput(img, img, m.create(1e4f)))
                            .getFloat())
                    .isEqualTo(100f);
        }
    }

    @Test
    void distillationIsZeroForIdenticalLogitsAndPositiveOtherwise() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(new float[] {1, 2, 3, 0, 1, 0, 2, 2, 1}, new ai.djl.ndarray.types.Shape(3, 3));
            assertThat(DistillationLoss.kl(a, a, 1f).getFloat()).isCloseTo(0f, within(1e-6f));
            assertThat(DistillationLoss.kl(a, a.transpose(), 1f).getFloat()).isPositive();
        }
    }

    @Test
    void scheduleWarmsUpThenDecays() {
        WarmupCosine s = new WarmupCosine(1f, 10, 110, 0.1f);
        assertThat(s.getNewValue(0)).isCloseTo(0.1f, within(1e-6f));
        assertThat(s.getNewValue(9)).isCloseTo(1f, within(1e-6f));
        assertThat(s.getNewValue(60)).isCloseTo(0.55f, within(1e-3f));
        assertThat(s.getNewValue(110)).isEqualTo(0.1f);
        assertThat(GradClip.scale(10, 1)).isCloseTo(0.1f, within(1e-4f));
        assertThat(GradClip.scale(0.5, 1)).isEqualTo(1f);
    }

    @Test
    void globalNormReducedOnTheDeviceIsTheNormOfAllGradientsTogether() {
        try (NDManager m = NDManager.newBaseManager()) {
            // 3-4-12-84: the norm of (3, 4) is 5, of (5, 12) is 13, of (13, 84) is 85
            List<NDArray> grads =
                    List.of(m.create(new float[] {3, 4}), m.create(new float[][] {{12}}), m.create(new float[] {84}));
            assertThat(GradClip.globalNorm(grads)).isCloseTo(85.0, within(1e-4));
            assertThat(GradClip.globalNormPerTensor(grads)).isCloseTo(85.0, within(1e-4));
            assertThat(GradClip.globalNorm(List.of(m.create(new float[] {1, Float.NaN}))))
                    .isNaN();
            assertThat(GradClip.globalNorm(List.of())).isZero();
        }
    }

    @Test
    void gradientReversalIsIdentityForwardAndNegatesTheGradient() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {1, -2, 3});
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = GradientReversal.apply(x, 0.5f);
                assertThat(y.toFloatArray()).containsExactly(1f, -2f, 3f);
                gc.backward(y.mul(m.create(new float[] {1, 2, 3})).sum());
            }
            assertThat(x.getGradient().toFloatArray()).containsExactly(-0.5f, -1f, -1.5f);
        }
    }
}
