package io.clipstream.trainer.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.jboss.logging.Logger;

/**
 * The device a run trains on: {@code auto} takes the GPU when DJL's PyTorch engine sees one, {@code cpu} never does,
 * {@code gpu} asks for one, and when the engine has none (CPU natives on the classpath, no driver) the run goes on
 * on the CPU and says so loudly, on its events and in the log.
 */
public final class DeviceChoice {
    private static final Logger LOG = Logger.getLogger(DeviceChoice.class);

    /** The device, and how it is reported ("cpu", "gpu(0)", "cpu (gpu requested, none visible)"). */
    public record Choice(Device device, String label) {}

    private DeviceChoice() {}

    public static Choice choose(String setting) {
        int gpus = Engine.getInstance().getGpuCount();
        return switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "cpu" -> new Choice(Device.cpu(), "cpu");
            case "gpu" -> {
                if (gpus > 0) yield new Choice(Device.gpu(), "gpu(0)");
                LOG.error("GPU requested (clipstream.trainer.train.device=gpu) but the PyTorch engine sees none: training on the CPU."
                        + " Put DJL's CUDA natives on the classpath (see the trainer README) or set PYTORCH_LIBRARY_PATH.");
                yield new Choice(Device.cpu(), "cpu (gpu requested, none visible)");
            }
            case "auto" -> gpus > 0 ? new Choice(Device.gpu(), "gpu(0)") : new Choice(Device.cpu(), "cpu");
            default -> throw new IllegalArgumentException("clipstream.trainer.train.device must be auto, cpu or gpu, not " + setting);
        };
    }
}
