package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers' {@code Timesteps}: the sinusoidal embedding of the timestep ({@code get_timestep_embedding},
 * after the transformer's positional encoding, Vaswani et al. 2017 §3.5). With half = channels/2:
 * freq_i = exp(−ln(max_period) · i / (half − freq_shift)), emb = [sin(t·freq), cos(t·freq)], swapped to
 * [cos, sin] by {@code flip_sin_to_cos}, zero-padded by one column for an odd width. The steps are the
 * reference's own float32 operations in the same order, so the embedding matches it bit for bit.
 */
public final class Timesteps {

    private final int numChannels;
    private final boolean flipSinToCos;
    private final float downscaleFreqShift;

    Timesteps(int numChannels, boolean flipSinToCos, double downscaleFreqShift) {
        this.numChannels = numChannels;
        this.flipSinToCos = flipSinToCos;
        this.downscaleFreqShift = (float) downscaleFreqShift;
    }

    /** one timestep for a batch of {@code batch} → [batch, numChannels], in {@code manager} */
    public NDArray forward(NDManager manager, float timestep, long batch) {
        return embed(manager, manager.full(new Shape(batch, 1), timestep));
    }

    /** one timestep per sample (training draws each image's own t) → [timesteps.length, numChannels], in {@code manager} */
    public NDArray forward(NDManager manager, float[] timesteps) {
        try (NDArray wrapped = manager.create(timesteps, new Shape(timesteps.length, 1))) {
            // a libtorch-owned copy: create(float[]) wraps a Java buffer
            return embed(manager, wrapped.duplicate());
        }
    }

    /** timesteps [B, 1] → [B, numChannels] */
    private NDArray embed(NDManager manager, NDArray timesteps) {
        int half = numChannels / 2;
        NDArray exponent = manager.arange((float) half)
                .mul((float) -Math.log(UNet2DConditionConfig.TIMESTEP_MAX_PERIOD))
                .div(half - downscaleFreqShift);
        NDArray arguments = timesteps.mul(exponent.exp().expandDims(0));
        NDArray sin = arguments.sin();
        NDArray cos = arguments.cos();
        NDArray emb = flipSinToCos ? cos.concat(sin, 1) : sin.concat(cos, 1);
        // F.pad(emb, (0, 1, 0, 0)): one zero column on the right
        return numChannels % 2 == 1 ? emb.pad(new Shape(0, 1), 0) : emb;
    }
}
