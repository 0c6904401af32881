package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.HostMemory;
import io.recaption.model.nn.Scope;
import io.recaption.model.vae.AutoencoderKL;

/** The pipelines' use of the VAE, one place for SD and SDXL: the latent scaled by the VAE's own scaling_factor. */
final class VaeCodec {

    private VaeCodec() {}

    /**
     * pixels [1, 3, H, W] in [−1, 1] → z_0 = mean of the VAE posterior × scaling factor [1, 4, h, w], in the
     * pixels' manager. The posterior's mean, not a sample: inversion needs the deterministic latent (as the
     * null-text reference's {@code image2latent}).
     */
    static NDArray encode(AutoencoderKL vae, NDArray pixels) {
        // the VAE's working set (pixel-sized maps) is not the UNet's: each starts from a heap given back
        HostMemory.releaseFreeMemory();
        try (Scope scope = Scope.below(pixels)) {
            return scope.exit(vae.encode(scope.enter(pixels)).mean().mul((float) vae.scalingFactor()));
        } finally {
            HostMemory.releaseFreeMemory();
        }
    }

    /**
     * latents [n, 4, h, w] → pixels [n, 3, H, W] in [−1, 1] (clamped), in the latents' manager; as diffusers'
     * pipelines, {@code vae.decode(latents / scaling_factor)}.
     */
    static NDArray decode(AutoencoderKL vae, NDArray latents) {
        HostMemory.releaseFreeMemory();
        try (Scope scope = Scope.below(latents)) {
            NDArray scaled = scope.enter(latents).div((float) vae.scalingFactor());
            return scope.exit(vae.decode(scaled).clip(-1f, 1f));
        } finally {
            HostMemory.releaseFreeMemory();
        }
    }
}
