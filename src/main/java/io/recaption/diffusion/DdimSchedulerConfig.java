package io.recaption.diffusion;

import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.util.Arrays;

/**
 * The noise schedule and DDIM options, read from a snapshot's {@code scheduler/scheduler_config.json}
 * whatever scheduler class it was written for (SD 1.x hubs list {@code PNDMScheduler}, SD 2.x ones
 * {@code PNDMScheduler}/{@code EulerDiscreteScheduler}/{@code DDIMScheduler}): the betas, the
 * timestep offset and spacing and the prediction type describe the trained model, not the sampler,
 * so DDIM takes them from any of these files, as diffusers' {@code DDIMScheduler.from_config} does.
 *
 * <p>Missing keys take {@code DDIMScheduler}'s defaults, with one exception: {@code clip_sample}
 * defaults to false when the file was written for another scheduler class. PNDM and the Euler
 * family never clip, so such a file says nothing about clipping, and clipping the predicted x0 to
 * [-1, 1] would distort latents (the null-text-inversion reference builds its DDIM with
 * {@code clip_sample=False}).
 *
 * <p>Ignored keys, on purpose: {@code skip_prk_steps} (PNDM's Runge–Kutta warm-up), the other
 * samplers' own options ({@code use_karras_sigmas}, {@code interpolation_type},
 * {@code solver_order}, …), and {@code dynamic_thresholding_ratio}/{@code sample_max_value}, which
 * only matter with thresholding. Refused: {@code thresholding}, {@code rescale_betas_zero_snr},
 * {@code trained_betas}, and any schedule, prediction type or spacing not listed below.
 */
public record DdimSchedulerConfig(
        int numTrainTimesteps,
        double betaStart,
        double betaEnd,
        BetaSchedule betaSchedule,
        boolean setAlphaToOne,
        int stepsOffset,
        PredictionType predictionType,
        boolean clipSample,
        double clipSampleRange,
        TimestepSpacing timestepSpacing) {

    /** How the betas run from {@code beta_start} to {@code beta_end}. */
    public enum BetaSchedule {
        LINEAR("linear"), SCALED_LINEAR("scaled_linear"), SQUAREDCOS_CAP_V2("squaredcos_cap_v2");

        private final String configName;

        BetaSchedule(String configName) {
            this.configName = configName;
        }
    }

    /** What the model predicts: the noise ε, or v = √ᾱ·ε − √(1−ᾱ)·x0 (SD 2.x 768 models). */
    public enum PredictionType {
        EPSILON("epsilon"), V_PREDICTION("v_prediction");

        private final String configName;

        PredictionType(String configName) {
            this.configName = configName;
        }
    }

    /** How inference timesteps are laid over the training steps (diffusers' {@code timestep_spacing}). */
    public enum TimestepSpacing {
        LEADING("leading"), TRAILING("trailing"), LINSPACE("linspace");

        private final String configName;

        TimestepSpacing(String configName) {
            this.configName = configName;
        }
    }

    public DdimSchedulerConfig {
        if (numTrainTimesteps < 2) {
            throw new IllegalArgumentException("num_train_timesteps must be at least 2, got " + numTrainTimesteps);
        }
        if (stepsOffset < 0 || stepsOffset >= numTrainTimesteps) {
            throw new IllegalArgumentException("steps_offset " + stepsOffset + " is outside [0, " + numTrainTimesteps + ")");
        }
        if (!(betaStart > 0 && betaEnd > betaStart && betaEnd < 1) && betaSchedule != BetaSchedule.SQUAREDCOS_CAP_V2) {
            throw new IllegalArgumentException("betas must satisfy 0 < beta_start < beta_end < 1, got " + betaStart
                    + " and " + betaEnd);
        }
        if (clipSampleRange <= 0) {
            throw new IllegalArgumentException("clip_sample_range must be positive, got " + clipSampleRange);
        }
    }

    /** Reads a {@code scheduler_config.json} of any diffusers scheduler class (see the class comment). */
    public static DdimSchedulerConfig from(JsonConfig json) {
        String source = json.source();
        json.refuseUnless("thresholding", false);
        json.refuseUnless("rescale_betas_zero_snr", false);
        if (json.has("trained_betas")) {
            throw new WeightLoadException(source + ": 'trained_betas' is not supported; only beta_start, beta_end"
                    + " and beta_schedule are");
        }
        boolean ddimFile = json.stringValue("_class_name", "DDIMScheduler").equals("DDIMScheduler");
        try {
            return new DdimSchedulerConfig(
                    json.intValue("num_train_timesteps", 1000),
                    json.doubleValue("beta_start", 0.0001),
                    json.doubleValue("beta_end", 0.02),
                    named(source, "beta_schedule", json.stringValue("beta_schedule", "linear"),
                            BetaSchedule.values(), s -> s.configName),
                    json.boolValue("set_alpha_to_one", true),
                    json.intValue("steps_offset", 0),
                    named(source, "prediction_type", json.stringValue("prediction_type", "epsilon"),
                            PredictionType.values(), p -> p.configName),
                    json.boolValue("clip_sample", ddimFile),
                    json.doubleValue("clip_sample_range", 1.0),
                    named(source, "timestep_spacing", json.stringValue("timestep_spacing", "leading"),
                            TimestepSpacing.values(), s -> s.configName));
        } catch (IllegalArgumentException e) {
            throw new WeightLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static <E> E named(String source, String key, String value, E[] options,
            java.util.function.Function<E, String> name) {
        for (E option : options) {
            if (name.apply(option).equals(value)) {
                return option;
            }
        }
        throw new WeightLoadException(source + ": '" + key + "' = " + value + " is not supported (only "
                + Arrays.stream(options).map(name).toList() + ")");
    }
}
