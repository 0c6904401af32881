package io.recaption.diffusion;

import io.recaption.model.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.Snapshot;
import java.util.function.BinaryOperator;

/**
 * Deterministic DDIM (Song et al., "Denoising Diffusion Implicit Models", eq. 12 with σ = 0),
 * numerically as diffusers' {@code DDIMScheduler} with eta 0, plus the inversion step of the
 * null-text-inversion reference code.
 *
 * <p>Precision follows torch: the betas are a float32 {@code torch.linspace} (squared for
 * {@code scaled_linear}), the alphas {@code 1 − β} in float32, and ᾱ their cumulative product,
 * which torch's CPU kernel accumulates in double and rounds to float32 at each entry. The step
 * coefficients (√ᾱ, √(1−ᾱ)) are then float32 arithmetic on those float32 values, as torch does them
 * on 0-d float32 tensors. The only difference left is libtorch's vectorised linspace, which can
 * differ from the scalar formula by one float32 ulp; ᾱ then agrees to about 6e-8.
 */
public final class DdimScheduler {

    private final DdimSchedulerConfig config;
    private final float[] alphasCumprod;
    private final float finalAlphaCumprod;

    private DdimScheduler(DdimSchedulerConfig config) {
        this.config = config;
        this.alphasCumprod = cumulativeProduct(alphas(config));
        // ᾱ after the last step: 1 ("set_alpha_to_one"), or the first training step's ᾱ (SD's choice)
        this.finalAlphaCumprod = config.setAlphaToOne() ? 1f : alphasCumprod[0];
    }

    /** The DDIM scheduler for a snapshot, from {@code scheduler/scheduler_config.json}. */
    public static DdimScheduler load(Snapshot snapshot) {
        return of(DdimSchedulerConfig.from(snapshot.config("scheduler", "scheduler_config.json")));
    }

    public static DdimScheduler of(DdimSchedulerConfig config) {
        return new DdimScheduler(config);
    }

    public DdimSchedulerConfig config() {
        return config;
    }

    private static float[] alphas(DdimSchedulerConfig config) {
        int n = config.numTrainTimesteps();
        float[] betas = switch (config.betaSchedule()) {
            case LINEAR -> linspace((float) config.betaStart(), (float) config.betaEnd(), n);
            case SCALED_LINEAR -> {
                float[] roots = linspace((float) Math.sqrt(config.betaStart()), (float) Math.sqrt(config.betaEnd()), n);
                for (int i = 0; i < n; i++) {
                    roots[i] = roots[i] * roots[i];
                }
                yield roots;
            }
            case SQUAREDCOS_CAP_V2 -> cosineBetas(n);
        };
        float[] alphas = new float[n];
        for (int i = 0; i < n; i++) {
            alphas[i] = 1f - betas[i];
        }
        return alphas;
    }

    /**
     * {@code torch.linspace(start, end, n, dtype=float32)} on CPU: float32 step; the first half
     * counted up from start, the second half down from end.
     */
    private static float[] linspace(float start, float end, int n) {
        float step = (end - start) / (n - 1);
        float[] out = new float[n];
        int halfway = n / 2;
        for (int i = 0; i < n; i++) {
            out[i] = i < halfway ? start + step * i : end - step * (n - i - 1);
        }
        return out;
    }

    /**
     * The cosine schedule of Nichol &amp; Dhariwal (2021), eq. 17, as diffusers'
     * {@code betas_for_alpha_bar}: β_i = min(1 − ᾱ(i+1)/ᾱ(i), 0.999) with
     * ᾱ(t) = cos²((t/T + 0.008)/1.008 · π/2), in double, then float32.
     */
    private static float[] cosineBetas(int n) {
        final double maxBeta = 0.999;
        final double offset = 0.008;
        float[] betas = new float[n];
        for (int i = 0; i < n; i++) {
            double before = cosineAlphaBar((double) i / n, offset);
            double after = cosineAlphaBar((double) (i + 1) / n, offset);
            betas[i] = (float) Math.min(1 - after / before, maxBeta);
        }
        return betas;
    }

    private static double cosineAlphaBar(double t, double offset) {
        double c = Math.cos((t + offset) / (1 + offset) * Math.PI / 2);
        return c * c;
    }

    /** {@code torch.cumprod} of a float32 vector on CPU: a double accumulator, each entry rounded to float32. */
    private static float[] cumulativeProduct(float[] values) {
        float[] out = new float[values.length];
        double product = 1;
        for (int i = 0; i < values.length; i++) {
            product *= values[i];
            out[i] = (float) product;
        }
        return out;
    }

    /** ᾱ_t for a training timestep t in [0, num_train_timesteps). */
    public double alphaCumprod(int t) {
        return alphaAt(t);
    }

    private float alphaAt(int t) {
        if (t < 0 || t >= alphasCumprod.length) {
            throw new IllegalArgumentException("timestep " + t + " is outside [0, " + alphasCumprod.length + ")");
        }
        return alphasCumprod[t];
    }

    /** ᾱ used for the step past the first training timestep. */
    public double finalAlphaCumprod() {
        return finalAlphaCumprod;
    }

    /** Training steps between two inference steps: diffusers' {@code num_train_timesteps // steps}. */
    private int stride(int steps) {
        if (steps < 1 || steps > config.numTrainTimesteps()) {
            throw new IllegalArgumentException("inference steps must be in [1, " + config.numTrainTimesteps()
                    + "], got " + steps);
        }
        return config.numTrainTimesteps() / steps;
    }

    /**
     * The inference timesteps, descending, as diffusers' {@code set_timesteps}: e.g. 981, 961, …, 1
     * for 50 steps with leading spacing and offset 1.
     *
     * <p>For trailing spacing diffusers takes {@code round(arange(T, 0, −T/steps)) − 1}; numpy's float
     * arange yields one entry too many for some step counts (61, 103, …), so this takes the first
     * {@code steps} of those values.
     */
    public int[] timesteps(int steps) {
        int n = config.numTrainTimesteps();
        int stride = stride(steps);
        int[] out = new int[steps];
        for (int i = 0; i < steps; i++) {
            int k = steps - 1 - i;
            out[i] = switch (config.timestepSpacing()) {
                case LEADING -> k * stride + config.stepsOffset();
                case TRAILING -> (int) Math.rint(n - i * ((double) n / steps)) - 1;
                case LINSPACE -> steps == 1 ? 0
                        : k == steps - 1 ? n - 1 : (int) Math.rint(k * ((double) (n - 1) / (steps - 1)));
            };
            if (out[i] < 0 || out[i] >= n) {
                throw new IllegalArgumentException(steps + " steps with steps_offset " + config.stepsOffset()
                        + " give timestep " + out[i] + ", outside [0, " + n + ")");
            }
        }
        return out;
    }

    /**
     * The timestep a DDIM step from t goes to: t − T/steps (diffusers uses this stride whatever the
     * spacing); negative past the first training step, where {@link #finalAlphaCumprod()} applies.
     */
    public int previousTimestep(int t, int steps) {
        return t - stride(steps);
    }

    private float alphaOrFinal(int t) {
        return t >= 0 ? alphaAt(t) : finalAlphaCumprod;
    }

    /**
     * One deterministic DDIM step, x_t → x_{t−Δ} (eq. 12 with σ_t = 0):
     * x_{t−Δ} = √ᾱ_{t−Δ}·x̂0 + √(1−ᾱ_{t−Δ})·ε̂, with x̂0 and ε̂ read from the model output at ᾱ_t and
     * x̂0 clipped when {@code clip_sample} is set (ε̂ is not re-derived, as diffusers' default).
     *
     * <p>modelOutput and sample [B, C, h, w] → [B, C, h, w], in the sample's manager.
     */
    public NDArray step(NDArray modelOutput, int t, NDArray sample, int steps) {
        float alphaT = alphaAt(t);
        float alphaPrevious = alphaOrFinal(previousTimestep(t, steps));
        return scoped(sample, modelOutput, (x, out) -> {
            NDArray[] prediction = predict(out, x, alphaT);
            NDArray original = config.clipSample()
                    ? prediction[0].clip(-config.clipSampleRange(), config.clipSampleRange()) : prediction[0];
            return moveTo(original, prediction[1], alphaPrevious);
        });
    }

    /**
     * One DDIM inversion step, the null-text-inversion reference's {@code next_step}: the sample is
     * at the source s = t − T/steps (ᾱ_s = final ᾱ when s &lt; 0), the model output was computed at t,
     * and the result is at t: x0 = (z − √(1−ᾱ_s)·ε)/√ᾱ_s, z' = √ᾱ_t·x0 + √(1−ᾱ_t)·ε. A v-prediction
     * is read at ᾱ_s, as diffusers' {@code DDIMInverseScheduler} does. No clipping, as the reference.
     *
     * <p>modelOutput and sample [B, C, h, w] → [B, C, h, w], in the sample's manager.
     */
    public NDArray inverseStep(NDArray modelOutput, int t, NDArray sample, int steps) {
        int source = Math.min(previousTimestep(t, steps), config.numTrainTimesteps() - 1);
        float alphaSource = alphaOrFinal(source);
        float alphaTarget = alphaAt(t);
        return scoped(sample, modelOutput, (x, out) -> {
            NDArray[] prediction = predict(out, x, alphaSource);
            return moveTo(prediction[0], prediction[1], alphaTarget);
        });
    }

    /** The model's estimate of the clean sample x̂0 at timestep t (not clipped). [B, C, h, w] → [B, C, h, w] */
    public NDArray predictOriginal(NDArray modelOutput, int t, NDArray sample) {
        float alphaT = alphaAt(t);
        return scoped(sample, modelOutput, (x, out) -> predict(out, x, alphaT)[0]);
    }

    /** {x̂0, ε̂} from the model output for a sample whose noise level is ᾱ (diffusers' step, part 3). */
    private NDArray[] predict(NDArray modelOutput, NDArray sample, float alpha) {
        float sqrtAlpha = (float) Math.sqrt(alpha);
        float sqrtBeta = (float) Math.sqrt(1f - alpha);
        return switch (config.predictionType()) {
            case EPSILON -> new NDArray[] {Scalars.div(sample.sub(Scalars.mul(modelOutput, sqrtBeta)), sqrtAlpha),
                modelOutput};
            // v = √ᾱ·ε − √(1−ᾱ)·x0 (Salimans & Ho 2022): x0 = √ᾱ·x − √(1−ᾱ)·v, ε = √ᾱ·v + √(1−ᾱ)·x
            case V_PREDICTION -> new NDArray[] {
                Scalars.mul(sample, sqrtAlpha).sub(Scalars.mul(modelOutput, sqrtBeta)),
                Scalars.mul(modelOutput, sqrtAlpha).add(Scalars.mul(sample, sqrtBeta))};
        };
    }

    /** √ᾱ·x̂0 + √(1−ᾱ)·ε̂: the sample at noise level ᾱ on the DDIM path of (x̂0, ε̂). */
    private static NDArray moveTo(NDArray original, NDArray epsilon, float alpha) {
        return Scalars.mul(original, (float) Math.sqrt(alpha)).add(Scalars.mul(epsilon, (float) Math.sqrt(1f - alpha)));
    }

    /**
     * Runs {@code body(sample, modelOutput)} in a temporary child of the sample's manager so that its
     * intermediates are freed, and returns the result attached to the sample's manager. Autograd is
     * unaffected: libtorch keeps what the graph needs after the handles are closed.
     */
    private static NDArray scoped(NDArray sample, NDArray modelOutput, BinaryOperator<NDArray> body) {
        try (Scope scope = Scope.below(sample)) {
            return scope.exit(body.apply(scope.enter(sample), scope.enter(modelOutput)));
        }
    }
}
