package io.clipstream.clip;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device a model runs on (a training run, an encoder): {@code auto} takes the GPU when DJL's PyTorch engine sees one, {@code cpu} never does,
 * {@code gpu} asks for one, and when the engine has none (CPU natives on the classpath, no driver) work goes on
 * on the CPU and says so loudly (the trainer also on its events).
 */
public final class DeviceChoice {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceChoice.class);

    /** The device, and how it is reported ("cpu", "gpu(0)", "cpu (gpu requested, none visible)"). */
    public record Choice(Device device, String label) {}

    private DeviceChoice() {}

    /** @param property the configuration key of the setting, for messages */
    public static Choice choose(String property, String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> new Choice(Device.cpu(), "cpu");
            case "gpu" -> {
                if (gpus > 0) yield new Choice(Device.gpu(), "gpu(0)");
                LOG.error("GPU requested ({}=gpu) but the PyTorch engine sees none: running on the CPU."
                        + " Put DJL's CUDA natives on the classpath (see the trainer README) or set PYTORCH_LIBRARY_PATH.", property);
                yield new Choice(Device.cpu(), "cpu (gpu requested, none visible)");
            }
            case "auto" -> gpus > 0 ? new Choice(Device.gpu(), "gpu(0)") : new Choice(Device.cpu(), "cpu");
            default -> throw new IllegalArgumentException(property + " must be auto, cpu or gpu, not " + setting);
        };
    }
}
