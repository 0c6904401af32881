package io.recaption.inversion;

import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.diffusion.DdimScheduler;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.Phase;
import io.recaption.diffusion.ProgressListener;
import java.util.ArrayList;
import java.util.List;

/**
 * DDIM inversion at guidance 1 (Mokady et al. §3, "DDIM inversion"; the reference's
 * {@code ddim_inversion_loop}): from z*_0 = z_0, for t ascending, z*_{t} = next_step(ε(z*_{t−Δ}, t, C)),
 * keeping the whole pivot trajectory z*_0 … z*_T that null-text optimization tracks.
 */
public final class DdimInversion {

    private final GuidedDenoiser denoiser;
    private final DdimScheduler scheduler;

    public DdimInversion(GuidedDenoiser denoiser, DdimScheduler scheduler) {
        this.denoiser = denoiser;
        this.scheduler = scheduler;
    }

    /**
     * z0 [1, 4, h, w], cond [1, L, d] → steps + 1 latents [1, 4, h, w], z*_0 first; all attached to
     * {@code z0}'s manager, each step computed in its own scope.
     */
    public List<NDArray> trajectory(NDArray z0, NDArray cond, int steps, ProgressListener progress) {
        int[] descending = scheduler.timesteps(steps);
        NDManager outer = z0.getManager();
        List<NDArray> latents = new ArrayList<>(steps + 1);
        latents.add(z0);
        NDArray current = z0;
        for (int i = 0; i < steps; i++) {
            int t = descending[steps - 1 - i];
            NDArray next;
            try (Scope scope = Scope.below(outer)) {
                NDArray x = scope.enter(current);
                NDArray eps = denoiser.noise(x, t, scope.enter(cond), GuidedDenoiser.Branch.CONDITIONAL);
                next = scope.exit(scheduler.inverseStep(eps, t, x, steps));
            }
            latents.add(next);
            current = next;
            progress.onStep(Phase.DDIM_INVERSION, i + 1, steps, Double.NaN);
        }
        return latents;
    }
}
