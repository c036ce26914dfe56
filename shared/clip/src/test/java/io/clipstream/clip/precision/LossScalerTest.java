package io.clipstream.clip.precision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class LossScalerTest {

    @Test
    void anOverflowSkipsTheStepAndHalvesTheScale() {
        LossScaler s = new LossScaler(1024, 3);
        assertThat(s.update(true)).isTrue();
        assertThat(s.update(false)).isFalse();
        assertThat(s.scale()).isEqualTo(512);
        assertThat(s.skippedSteps()).isEqualTo(1);
    }

    @Test
    void theScaleDoublesAfterARunOfCleanStepsAndAnOverflowRestartsTheRun() {
        LossScaler s = new LossScaler(8, 3);
        s.update(true);
        s.update(true);
        s.update(false); // 4, run restarts
        s.update(true);
        s.update(true);
        assertThat(s.scale()).isEqualTo(4);
        s.update(true);
        assertThat(s.scale()).isEqualTo(8);
    }

    @Test
    void theScaleNeverFallsBelowOne() {
        LossScaler s = new LossScaler(2, 10);
        for (int i = 0; i < 5; i++) {
            s.update(false);
        }
        assertThat(s.scale()).isEqualTo(1);
        assertThat(s.skippedSteps()).isEqualTo(5);
        assertThatThrownBy(() -> new LossScaler(0.5, 10)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void precisionParsesItsSpellingsAndDefaultsByDevice() {
        assertThat(Precision.parse("fp16-mixed", Device.cpu())).isEqualTo(Precision.FP16_MIXED);
        assertThat(Precision.parse(" FP32 ", Device.cpu())).isEqualTo(Precision.FP32);
        assertThat(Precision.parse("auto", Device.cpu())).isEqualTo(Precision.FP32);
        assertThat(Precision.parse("auto", Device.gpu())).isEqualTo(Precision.FP16_MIXED);
        assertThatThrownBy(() -> Precision.parse("bf16", Device.cpu()))
                .hasMessageContaining("fp32, fp16-mixed or auto");
    }
}
