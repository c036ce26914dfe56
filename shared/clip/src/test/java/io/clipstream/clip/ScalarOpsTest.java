package io.clipstream.clip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/** The scalar of {@code x * s} must survive until backward reads it, whatever the garbage collector does in between. */
class ScalarOpsTest {
    @Test
    void gradientOfScalarProductSurvivesGarbageCollection() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            for (int it = 0; it < 20; it++) {
                NDArray x = m.create(new float[] {1f, 2f, 3f});
                x.setRequiresGradient(true);
                try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray y = ScalarOps.div(ScalarOps.mul(x, 3f), 2f).sum();
                    for (int k = 0; k < 3; k++) {
                        System.gc();
                        Thread.sleep(5);
                        // reuse freed native memory
                        m.create(new float[] {Float.NaN}).close();
                    }
                    gc.backward(y);
                }
                assertArrayEquals(
                        new float[] {1.5f, 1.5f, 1.5f}, x.getGradient().toFloatArray());
            }
        }
    }
}
