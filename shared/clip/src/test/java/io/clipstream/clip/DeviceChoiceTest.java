package io.clipstream.clip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceChoiceTest {
    @Test
    void gpuWithoutOneRefusesAndGpuOrCpuFallsBackSayingSo() {
        assertThatThrownBy(() -> DeviceChoice.choose("clipstream.trainer.train.device", "gpu", 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clipstream.trainer.train.device=gpu")
                .hasMessageContaining("gpu-or-cpu");
        DeviceChoice.Choice fallback = DeviceChoice.choose("k", "gpu-or-cpu", 0);
        assertThat(fallback.device()).isEqualTo(Device.cpu());
        assertThat(fallback.label()).isEqualTo("cpu (gpu requested, none visible)");
        assertThat(DeviceChoice.choose("k", "auto", 0).label()).isEqualTo("cpu");
        assertThat(DeviceChoice.choose("k", "CPU", 3).label()).isEqualTo("cpu");
        assertThatThrownBy(() -> DeviceChoice.choose("k", "tpu", 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aVisibleGpuIsTakenByGpuGpuOrCpuAndAuto() {
        for (String s : new String[] {"gpu", "gpu-or-cpu", "auto"}) {
            DeviceChoice.Choice c = DeviceChoice.choose("k", s, 1);
            assertThat(c.label()).as(s).isEqualTo("gpu(0)");
        }
    }

    @Test
    void thisMachinesEngineIsAskedWhenNoCountIsGiven() {
        DeviceChoice.Choice c = DeviceChoice.choose("k", "auto");
        assertThat(c.label()).isIn("cpu", "gpu(0)");
    }
}
