package io.clipstream.clip;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device a model runs on (a training run, an encoder): {@code auto} takes the GPU when DJL's PyTorch engine sees
 * one, {@code cpu} never does, {@code gpu} requires one and refuses to go on without it (DJL silently falls back to the
 * CPU when JNA finds no {@code libcudart}: a GPU job that trains for hours on the CPU is worse than one that fails at
 * once), and {@code gpu-or-cpu} takes the GPU when there is one and otherwise works on the CPU, saying so loudly (the
 * trainer also on its events).
 */
public final class DeviceChoice {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceChoice.class);
    private static final String NO_GPU_HELP =
            "Put DJL's CUDA natives on the classpath or set PYTORCH_LIBRARY_PATH to a CUDA libtorch"
                    + " (see the trainer README), or allow the CPU with gpu-or-cpu.";

    /** The device, and how it is reported ("cpu", "gpu(0)", "cpu (gpu requested, none visible)"). */
    public record Choice(Device device, String label) {}

    private DeviceChoice() {}

    /**
     * @param property the configuration key of the setting, for messages
     * @throws IllegalStateException when the setting is {@code gpu} and the engine sees no GPU
     */
    public static Choice choose(String property, String setting) {
        return choose(property, setting, Engine.getInstance().getGpuCount());
    }

    static Choice choose(String property, String setting, int gpus) {
        return switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> new Choice(Device.cpu(), "cpu");
            case "gpu" -> {
                if (gpus > 0) {
                    yield new Choice(Device.gpu(), "gpu(0)");
                }
                throw new IllegalStateException(property + "=gpu but the PyTorch engine sees no GPU. " + NO_GPU_HELP);
            }
            case "gpu-or-cpu" -> {
                if (gpus > 0) {
                    yield new Choice(Device.gpu(), "gpu(0)");
                }
                LOG.error(
                        "GPU requested ({}=gpu-or-cpu) but the PyTorch engine sees none: running on the CPU. {}",
                        property,
                        NO_GPU_HELP);
                yield new Choice(Device.cpu(), "cpu (gpu requested, none visible)");
            }
            case "auto" -> gpus > 0 ? new Choice(Device.gpu(), "gpu(0)") : new Choice(Device.cpu(), "cpu");
            default ->
                throw new IllegalArgumentException(property + " must be auto, cpu, gpu or gpu-or-cpu, not " + setting);
        };
    }
}
