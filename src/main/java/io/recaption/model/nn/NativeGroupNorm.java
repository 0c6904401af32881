package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import java.util.Locale;

/**
 * libtorch's own {@code group_norm} (optionally followed by {@code silu}), which DJL does not bind, through the
 * TorchScript seam: one kernel that computes the statistics and writes the normalized, scaled and shifted
 * output in one pass, where the emulation by layer norm writes the tensor three times; and with SiLU, the
 * activation diffusers' resnets apply right after the norm, a fourth and fifth write saved. The group count
 * and eps are constants of the compiled source (a module per combination; a model uses one or two), because a
 * method's non-tensor arguments would have to go through DJL's {@code runMethod}, which runs without autograd.
 */
final class NativeGroupNorm {

    private final PtSymbolBlock module;

    private NativeGroupNorm(PtSymbolBlock module) {
        this.module = module;
    }

    /** The module for this group count, eps and activation (compiled once per process). */
    static NativeGroupNorm of(int groups, double eps, boolean silu) {
        String norm = String.format(Locale.ROOT, "torch.group_norm(x, %d, weight, bias, %s)", groups,
                Double.toString(eps));
        String body = silu ? "torch.silu(" + norm + ")" : norm;
        return new NativeGroupNorm(TorchScriptModule.shared("GroupNorm", String.join("\n",
                "  def forward(self: __torch__.GroupNorm,",
                "    x: Tensor,",
                "    weight: Tensor,",
                "    bias: Tensor) -> Tensor:",
                "    return " + body,
                "")));
    }

    /** x [B, C, H, W], weight and bias [C] → [B, C, H, W], in x's manager, with autograd. */
    NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        return TorchScriptModule.call(module, x, weight, bias);
    }
}
