package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;

/** Element-wise activations of the SD components, as functions of one array. */
public final class Activations {

    /** SiLU as one shared function, so that a group norm followed by it can be recognised and fused. */
    public static final java.util.function.UnaryOperator<NDArray> SILU = Activations::silu;

    private Activations() {}

    /** SiLU / swish: x·σ(x) ({@code torch.nn.functional.silu}). */
    public static NDArray silu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(x));
    }

    /** CLIP's {@code quick_gelu}: x·σ(1.702·x). */
    public static NDArray quickGelu(NDArray x) {
        return x.mul(ai.djl.nn.Activation.sigmoid(Scalars.mul(x, 1.702)));
    }

    /** The exact (erf) GELU of {@code torch.nn.functional.gelu}. */
    public static NDArray gelu(NDArray x) {
        return ai.djl.nn.Activation.gelu(x);
    }

    /** An activation named in a config ({@code hidden_act}, {@code act_fn}). */
    public static java.util.function.UnaryOperator<NDArray> byName(String source, String name) {
        return switch (name) {
            case "silu", "swish" -> SILU;
            case "quick_gelu" -> Activations::quickGelu;
            case "gelu" -> Activations::gelu;
            default -> throw new io.recaption.model.weights.WeightLoadException(
                    source + ": activation '" + name + "' is not supported");
        };
    }
}
