package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * libtorch's own {@code group_norm} (optionally followed by {@code silu}), which DJL does not bind, through the
 * TorchScript seam: one kernel that computes the statistics and writes the normalized, scaled and shifted
 * output in one pass, where the emulation by layer norm writes the tensor three times; and with SiLU, the
 * activation diffusers' resnets apply right after the norm, a fourth and fifth write saved. The group count
 * and eps are constants of the compiled source (a module per combination; a model uses one or two), because a
 * method's non-tensor arguments would have to go through DJL's {@code runMethod}, which runs without autograd.
 */
final class NativeGroupNorm {

    private record Key(int groups, double eps, boolean silu) {}

    /** Modules hold no tensors: one process-wide manager keeps them for the life of the process. */
    private static final NDManager MODULES = NDManager.newBaseManager();
    private static final Map<Key, PtSymbolBlock> LOADED = new ConcurrentHashMap<>();

    private final PtSymbolBlock module;

    private NativeGroupNorm(PtSymbolBlock module) {
        this.module = module;
    }

    static NativeGroupNorm of(int groups, double eps, boolean silu) {
        return new NativeGroupNorm(LOADED.computeIfAbsent(new Key(groups, eps, silu), NativeGroupNorm::compile));
    }

    private static PtSymbolBlock compile(Key key) {
        String norm = String.format(Locale.ROOT, "torch.group_norm(x, %d, weight, bias, %s)", key.groups(),
                Double.toString(key.eps()));
        String body = key.silu() ? "torch.silu(" + norm + ")" : norm;
        return TorchScriptModule.load(MODULES, "GroupNorm", String.join("\n",
                "  def forward(self: __torch__.GroupNorm,",
                "    x: Tensor,",
                "    weight: Tensor,",
                "    bias: Tensor) -> Tensor:",
                "    return " + body,
                ""));
    }

    /** x [B, C, H, W], weight and bias [C] → [B, C, H, W], with autograd (the call is made in training mode). */
    NDArray apply(NDArray x, NDArray weight, NDArray bias) {
        NDManager scope = x.getManager();
        return IValueUtils.forward(module, new NDList(unnamed(x, scope), unnamed(weight, scope),
                unnamed(bias, scope)), true).singletonOrThrow();
    }

    /**
     * DJL passes a named array whose name has a dot ("norm1.weight", as loaded weights are named) as a
     * dictionary entry rather than a positional tensor; a view (no copy, gradients flow through it) has no name.
     * It is made in the input's scope: a view of a weight would otherwise join, and grow, the weights' manager.
     */
    static NDArray unnamed(NDArray array, NDManager scope) {
        if (array.getName() == null || array.getName().isEmpty()) {
            return array;
        }
        NDArray view = array.reshape(array.getShape());
        view.attach(scope);
        return view;
    }
}
