package io.clipstream.clip.precision;

import ai.djl.Device;
import java.util.Locale;

/**
 * The arithmetic of training and embedding. {@code fp16-mixed} is the classic mixed-precision recipe (Micikevicius
 * et al. 2018): the forward and backward passes in fp16 over fp16 copies of the weights, the loss and the optimizer
 * in fp32 over fp32 master weights, with a dynamic loss scale that keeps small gradients above fp16's underflow.
 * bf16 is out of reach: DJL's PyTorch JNI maps no bfloat16 type.
 */
public enum Precision {
    FP32("fp32"),
    FP16_MIXED("fp16-mixed");

    private final String label;

    Precision(String label) {
        this.label = label;
    }

    /** The setting's spelling: {@code fp32} or {@code fp16-mixed}. */
    public String label() {
        return label;
    }

    public boolean mixed() {
        return this == FP16_MIXED;
    }

    /** fp16-mixed on a GPU, fp32 elsewhere: fp16 arithmetic on a CPU is correct but slower than fp32. */
    public static Precision defaultFor(Device device) {
        return device.isGpu() ? FP16_MIXED : FP32;
    }

    /**
     * @param value {@code fp32}, {@code fp16-mixed}, or {@code auto} ({@link #defaultFor} the device)
     */
    public static Precision parse(String value, Device device) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("auto")) {
            return defaultFor(device);
        }
        for (Precision p : values()) {
            if (p.label.equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + value + "': expected fp32, fp16-mixed or auto");
    }

    @Override
    public String toString() {
        return label;
    }
}
