package io.clipstream.clip.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.clipstream.clip.ScalarOps;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** The activations CLIP checkpoints name in {@code hidden_act}. */
public final class Activations {

    private Activations() {}

    /**
     * Resolves a Hugging Face activation name.
     *
     * @param name "quick_gelu", "gelu" (exact, erf) or "gelu_new"/"gelu_pytorch_tanh" (tanh)
     * @return the function
     */
    public static UnaryOperator<NDArray> byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "quick_gelu" -> Activations::quickGelu;
            case "gelu" -> Activation::gelu;
            case "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> Activations::geluTanh;
            case "relu" -> Activation::relu;
            default -> throw new IllegalArgumentException("unsupported hidden_act: " + name);
        };
    }

    /**
     * OpenAI's {@code x * sigmoid(1.702 x)}.
     *
     * @param x input
     * @return activation
     */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(Activation.sigmoid(ScalarOps.mul(x, 1.702f)));
    }

    /**
     * Tanh approximation of GELU.
     *
     * @param x input
     * @return activation
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner =
                ScalarOps.mul(x.add(ScalarOps.mul(ScalarOps.pow(x, 3f), 0.044715f)), (float) Math.sqrt(2.0 / Math.PI));
        return ScalarOps.mul(x, 0.5f).mul(inner.tanh().add(1f));
    }
}
