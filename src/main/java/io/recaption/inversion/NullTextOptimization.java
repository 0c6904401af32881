package io.recaption.inversion;

import io.recaption.model.nn.Scalars;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.recaption.diffusion.DdimScheduler;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.Phase;
import io.recaption.diffusion.ProgressListener;
import io.recaption.model.nn.Scope;
import java.util.ArrayList;
import java.util.List;

/**
 * Null-text optimization (Mokady et al., CVPR 2023): tune the unconditional embedding ∅ so that
 * guided DDIM sampling from z*_T retraces the pivot trajectory of {@link DdimInversion}.
 *
 * <p>{@link #perStep} is the paper's Algorithm 1, as the reference NullTextPipeline runs it: for
 * step i (t descending) ∅_i starts from ∅_{i−1}; a fresh Adam with lr = base·(1 − i/100) (held at
 * base/10 from step 91 on, where the reference's would reach zero and then turn negative); ε_C is
 * computed once; up to N inner steps minimise ‖z̄_{t−1}(∅) − z*_{t−1}‖² (mean), stopping early
 * when the loss is below ε_stop + i·2e-5; then z̄_{t−1} is advanced with the optimised ∅_i.
 * Only the unconditional branch is re-evaluated for that advance: ε_C is already known, so the
 * reference's batched [∅, C] call would recompute it for nothing.
 *
 * <p>{@link #global} is Algorithm 2's variant with a single ∅ shared by every step, optimised over
 * {@code innerSteps} passes through all timesteps with one Adam.
 */
public final class NullTextOptimization {

    /**
     * The optimization's settings, made from an inversion's by {@link #of} (the one path every caller takes, so
     * a changed default shows in the conformance test).
     */
    public record Settings(int innerSteps, double earlyStopEpsilon, double earlyStopSlope, double learningRate,
            double learningRateDecay, float guidance) {

        /** The reference's early-stop threshold grows by this per timestep: ε_stop + i·2e-5. */
        public static final double EARLY_STOP_SLOPE = 2e-5;

        /** The reference's learning-rate decay per timestep: base·(1 − i/100). */
        public static final double LEARNING_RATE_DECAY = 0.01;

        /**
         * The decay factor never falls below this. The reference's 1 − i/100 reaches 0 at step 100 and turns
         * negative after it, so that Adam would climb the loss; held at a tenth of the base rate instead, the
         * schedule is the reference's exactly for the first 91 timesteps (the paper's 50 and every default).
         */
        public static final double MIN_LEARNING_RATE_FACTOR = 0.1;

        public Settings {
            if (innerSteps < 0 || !(learningRate > 0) || !(learningRateDecay >= 0) || !Float.isFinite(guidance)) {
                throw new IllegalArgumentException("invalid null-text optimization settings");
            }
        }

        /** The settings an inversion with {@code settings} runs. */
        public static Settings of(InversionSettings settings) {
            return new Settings(settings.innerSteps(), settings.earlyStopEpsilon(), EARLY_STOP_SLOPE,
                    settings.learningRate(), LEARNING_RATE_DECAY, settings.guidance());
        }

        /** Adam's learning rate at timestep {@code i} (0 = the noisiest): base·max(1 − i·decay, 0.1). */
        public double learningRateAt(int i) {
            return learningRate * Math.max(1.0 - i * learningRateDecay, MIN_LEARNING_RATE_FACTOR);
        }
    }

    /** ∅ per step [steps, L, d] in sampling order, the inner steps each timestep ran and its last loss. */
    public record Result(NDArray nullEmbeddings, int[] innerStepsRun, double[] finalLosses) {}

    private final GuidedDenoiser denoiser;
    private final DdimScheduler scheduler;

    public NullTextOptimization(GuidedDenoiser denoiser, DdimScheduler scheduler) {
        this.denoiser = denoiser;
        this.scheduler = scheduler;
    }

    /**
     * trajectory: z*_0 … z*_T [1, 4, h, w]; cond and initialNull [1, L, d]. The result is attached to
     * {@code initialNull}'s manager.
     */
    public Result perStep(List<NDArray> trajectory, NDArray cond, NDArray initialNull, Settings settings,
            ProgressListener progress) {
        int steps = trajectory.size() - 1;
        int[] timesteps = scheduler.timesteps(steps);
        NDManager outer = initialNull.getManager();
        int[] innerRun = new int[steps];
        double[] losses = new double[steps];
        List<NDArray> perStep = new ArrayList<>(steps);
        NDArray latent = trajectory.get(steps);
        NDArray nullEmbedding = initialNull;
        for (int i = 0; i < steps; i++) {
            int t = timesteps[i];
            try (Scope step = Scope.below(outer)) {
                NDArray z = step.enter(latent);
                NDArray target = step.enter(trajectory.get(steps - 1 - i));
                NDArray epsCond = denoiser.noise(z, t, step.enter(cond), GuidedDenoiser.Branch.CONDITIONAL);
                Adam adam = new Adam(step.manager(), settings.learningRateAt(i));
                NDArray current = step.enter(nullEmbedding).stopGradient();
                double threshold = settings.earlyStopEpsilon() + i * settings.earlyStopSlope();
                int j = 0;
                double loss = Double.NaN;
                while (j < settings.innerSteps()) {
                    j++;
                    try (Scope iteration = Scope.below(step.manager())) {
                        NDArray[] lossAndGrad = lossAndGradient(iteration.enter(z), t, iteration.enter(current),
                                iteration.enter(epsCond), iteration.enter(target), steps, settings.guidance());
                        loss = lossAndGrad[0].getFloat();
                        NDArray updated = adam.step(current, lossAndGrad[1]);
                        current.close();
                        current = updated;
                    }
                    if (loss < threshold) {
                        break;
                    }
                }
                innerRun[i] = j;
                losses[i] = loss;
                progress.onStep(Phase.NULL_TEXT, i + 1, steps, loss);
                // advance z̄ with the optimised ∅_i: only ε_∅ is new, ε_C is the one cached above
                NDArray epsUncond = denoiser.noise(z, t, current, GuidedDenoiser.Branch.UNCONDITIONAL);
                NDArray eps = epsUncond.add(Scalars.mul(epsCond.sub(epsUncond), settings.guidance()));
                NDArray nextLatent = step.exit(scheduler.step(eps, t, z, steps));
                if (latent != trajectory.get(steps)) {
                    latent.close();
                }
                latent = nextLatent;
                nullEmbedding = step.exit(current);
                perStep.add(nullEmbedding);
            }
        }
        latent.close();
        NDArray stacked = NDArrays.concat(new NDList(perStep), 0);
        for (NDArray array : perStep) {
            array.close();
        }
        return new Result(stacked, innerRun, losses);
    }

    /**
     * One ∅ for all steps (Algorithm 2's global variant): {@code innerSteps} passes over t descending,
     * one Adam step per timestep at the constant base rate, z̄ advanced with the ∅ of that timestep.
     */
    public Result global(List<NDArray> trajectory, NDArray cond, NDArray initialNull, Settings settings,
            ProgressListener progress) {
        int steps = trajectory.size() - 1;
        int[] timesteps = scheduler.timesteps(steps);
        NDManager outer = initialNull.getManager();
        double[] losses = new double[steps];
        try (Scope optimizer = Scope.below(outer)) {
            Adam adam = new Adam(optimizer.manager(), settings.learningRate());
            NDArray current = optimizer.enter(initialNull).stopGradient();
            for (int pass = 0; pass < settings.innerSteps(); pass++) {
                NDArray latent = trajectory.get(steps);
                for (int i = 0; i < steps; i++) {
                    int t = timesteps[i];
                    NDArray nextLatent;
                    try (Scope iteration = Scope.below(outer)) {
                        NDArray z = iteration.enter(latent);
                        NDArray epsCond = denoiser.noise(z, t, iteration.enter(cond), GuidedDenoiser.Branch.CONDITIONAL);
                        NDArray[] lossAndGrad = lossAndGradient(z, t, iteration.enter(current), epsCond,
                                iteration.enter(trajectory.get(steps - 1 - i)), steps, settings.guidance());
                        losses[i] = lossAndGrad[0].getFloat();
                        NDArray epsUncond = lossAndGrad[2];
                        NDArray eps = epsUncond.add(Scalars.mul(epsCond.sub(epsUncond), settings.guidance()));
                        nextLatent = iteration.exit(scheduler.step(eps, t, z, steps));
                        NDArray updated = adam.step(current, lossAndGrad[1]);
                        current.close();
                        current = updated;
                    }
                    if (latent != trajectory.get(steps)) {
                        latent.close();
                    }
                    latent = nextLatent;
                }
                if (latent != trajectory.get(steps)) {
                    latent.close();
                }
                progress.onStep(Phase.GLOBAL_NULL_TEXT, pass + 1, settings.innerSteps(), mean(losses));
            }
            NDArray repeated = current.repeat(0, steps);
            int[] passes = new int[steps];
            java.util.Arrays.fill(passes, settings.innerSteps());
            return new Result(optimizer.exit(repeated), passes, losses);
        }
    }

    /**
     * The reconstruction loss of one inner step and its gradient with respect to ∅:
     * returns {loss (scalar), ∂loss/∂∅ [1, L, d], ε_∅ detached [1, 4, h, w]}, in the arrays' current scope.
     */
    private NDArray[] lossAndGradient(NDArray latent, int t, NDArray nullEmbedding, NDArray epsCond, NDArray target,
            int steps, float guidance) {
        NDArray parameter = nullEmbedding.stopGradient();
        parameter.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray epsUncond = denoiser.noise(latent, t, parameter, GuidedDenoiser.Branch.UNCONDITIONAL);
            NDArray eps = epsUncond.add(Scalars.mul(epsCond.sub(epsUncond), guidance));
            NDArray reconstruction = scheduler.step(eps, t, latent, steps);
            NDArray loss = reconstruction.sub(target).square().mean();
            collector.backward(loss);
            denoiser.countBackward(latent.getShape().get(0));
            return new NDArray[] {loss.stopGradient(), parameter.getGradient().duplicate(), epsUncond.stopGradient()};
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }
}
