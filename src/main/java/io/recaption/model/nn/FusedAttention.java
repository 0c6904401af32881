package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;

/**
 * libtorch's fused {@code scaled_dot_product_attention} (the kernel diffusers' {@code AttnProcessor2_0}
 * uses), which DJL does not bind. On CPU it is a blocked flash-attention kernel that never materialises
 * the [Nq, Nk] probabilities: about five times faster than softmax(q·kᵀ)·v for the 1024-token
 * self-attention of a 32² latent, and the whole UNet forward about twice as fast.
 *
 * <p>DJL can run TorchScript modules, so a one-method module is written here, as TorchScript source in
 * the archive layout libtorch reads ({@code code/}, a pickled module object, {@code constants.pkl},
 * {@code version}), loaded once per process and called with autograd on, so gradients to the text context
 * flow through it. Nothing is compiled ahead of time and no Python is involved: libtorch compiles the
 * source when it loads the archive.
 */
public final class FusedAttention {

    private static final String SOURCE = String.join("\n",
            "  def forward(self: __torch__.FusedAttention,",
            "    query: Tensor,",
            "    key: Tensor,",
            "    value: Tensor) -> Tensor:",
            "    return torch.scaled_dot_product_attention(query, key, value)",
            "");

    private final PtSymbolBlock module;

    private FusedAttention(PtSymbolBlock module) {
        this.module = module;
    }

    /** The module, compiled once per process on first use (it holds no tensors); throws where it cannot load. */
    public static FusedAttention shared() {
        return new FusedAttention(TorchScriptModule.shared("FusedAttention", SOURCE));
    }

    /**
     * query [B, h, Nq, dh], key and value [B, h, Nk, dh] → softmax(q·kᵀ/√dh)·v [B, h, Nq, dh], in the query's
     * manager. Runs with autograd enabled (the module call is made in training mode).
     */
    public NDArray apply(NDArray query, NDArray key, NDArray value) {
        return TorchScriptModule.call(module, query, key, value);
    }
}
