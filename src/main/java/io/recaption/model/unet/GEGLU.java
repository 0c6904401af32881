package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code GEGLU} (Shazeer, "GLU Variants Improve Transformer", 2020): one projection to twice
 * the width, split into a value half and a gate half, value · GELU(gate). Key: {@code proj}.
 */
public final class GEGLU {

    private final Linear proj;

    GEGLU(WeightMap weights, long dimIn, long dimOut) {
        this.proj = new Linear(weights.child("proj"), dimIn, 2 * dimOut, true);
    }

    /** [..., dimIn] → [..., dimOut] */
    public NDArray forward(NDArray x) {
        // hidden_states, gate = proj(x).chunk(2, dim=-1): the value half comes first
        NDArray projected = proj.forward(x);
        NDList halves = projected.split(2, projected.getShape().dimension() - 1);
        return halves.get(0).mul(Activations.gelu(halves.get(1)));
    }
}
