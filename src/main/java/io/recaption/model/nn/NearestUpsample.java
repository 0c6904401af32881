package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;

/**
 * Nearest-neighbour upsampling by two, as diffusers' {@code Upsample2D} calls it
 * ({@code F.interpolate(scale_factor=2.0, mode="nearest")}): libtorch's {@code upsample_nearest2d} through the
 * TorchScript seam, one pass over the output. DJL binds only {@code repeat_interleave}, which takes two passes (one
 * per axis) and builds an index for each; at the VAE decoder's 256² and 512² levels that was the largest cost of
 * the upsamplers (at 256², float32: VAE decode 9.4 → 6.7 s, UNet forward + backward 10.7 → 8.7 s). Output index i
 * reads input ⌊i/2⌋, as the repeat did: the same values ({@code NearestUpsampleTest}).
 */
public final class NearestUpsample {

    private NearestUpsample() {}

    /** Compiled on first use (once per process); null if it cannot load. */
    private static final class Module {
        static final PtSymbolBlock TWICE = load();

        private static PtSymbolBlock load() {
            try {
                return TorchScriptModule.shared("NearestUpsample", String.join("\n",
                        "  def forward(self: __torch__.NearestUpsample,",
                        "    x: Tensor) -> Tensor:",
                        "    return torch.upsample_nearest2d(x, None, [2., 2.])",
                        ""));
            } catch (RuntimeException | LinkageError e) {
                System.getLogger(NearestUpsample.class.getName()).log(System.Logger.Level.WARNING,
                        "native nearest upsampling unavailable, repeating instead: " + e);
                return null;
            }
        }
    }

    /** [B, C, H, W] → [B, C, 2H, 2W] in x's manager, with autograd (the call is made in training mode). */
    public static NDArray twice(NDArray x) {
        if (Module.TWICE == null) {
            return x.repeat(2, 2).repeat(3, 2);
        }
        return TorchScriptModule.call(Module.TWICE, x);
    }
}
