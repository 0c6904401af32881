package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.diffusion.DdimScheduler;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Scalars;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.vae.LatentDistribution;
import java.util.function.LongUnaryOperator;

/**
 * The denoiser's objective (Ho et al., "Denoising Diffusion Probabilistic Models", 2020, Algorithm 1 /
 * eq. 14, the "simple" loss; in latent space as Rombach et al. 2022, eq. 2): z₀ = scaling · a sample of
 * the frozen VAE's posterior, t uniform in {0, …, T − 1} per image, z_t = √ᾱ_t·z₀ + √(1 − ᾱ_t)·ε on the
 * scheduler's own ᾱ (scaled-linear betas), loss = ‖ε − ε_θ(z_t, t, c)‖² averaged. A fraction of captions
 * is replaced by the empty caption so the same network learns the unconditional ε for classifier-free
 * guidance (Ho &amp; Salimans 2022, §3.2). The text encoder's weights are trained jointly through this loss
 * when they are among the parameters.
 */
public final class UNetTrainer implements Objective {

    /**
     * @param captionDropout probability of the empty caption
     * @param fixedTimestep a timestep for every image (overfit checks), or −1 to draw them
     * @param dataStep which batch step {@code n} reads (identity to train; a constant to overfit one batch)
     */
    public record Settings(int batchSize, long seed, double captionDropout, int fixedTimestep,
            LongUnaryOperator dataStep) {
        public static Settings training(int batchSize, long seed) {
            return new Settings(batchSize, seed, 0.1, -1, n -> n);
        }
    }

    /** The model pieces the objective runs. */
    public record Models(UNet2DConditionModel unet, ClipTextModel textEncoder, ClipTokenizer tokenizer,
            AutoencoderKL vae, DdimScheduler scheduler) {}

    private final Models models;
    private final Parameters parameters;
    private final ShapesBatches data;
    private final Settings settings;

    public UNetTrainer(Models models, Parameters parameters, ShapesBatches data, Settings settings) {
        this.models = models;
        this.parameters = parameters;
        this.data = data;
        this.settings = settings;
    }

    @Override
    public NDArray loss(long step, NDManager scope) {
        long dataStep = settings.dataStep().applyAsLong(step);
        int b = settings.batchSize();
        ShapesBatches.Batch batch = data.batch(dataStep, b);
        StepRandom random = new StepRandom(settings.seed(), dataStep, 1);
        NDArray latents = Parameters.withoutGradients(() -> {
            LatentDistribution posterior = models.vae().encode(batch.pixels(scope));
            NDArray std = Scalars.mul(posterior.logvar(), 0.5).exp();
            NDArray z = posterior.mean().add(std.mul(random.normal(scope, posterior.mean().getShape())));
            return Scalars.mul(z, models.vae().scalingFactor());
        });
        int trainSteps = models.scheduler().config().numTrainTimesteps();
        float[] timesteps = new float[b];
        float[] signal = new float[b];
        float[] noiseLevel = new float[b];
        long[] ids = new long[b * models.tokenizer().maxLength()];
        for (int i = 0; i < b; i++) {
            int t = settings.fixedTimestep() >= 0 ? settings.fixedTimestep() : random.nextInt(trainSteps);
            double alphaBar = models.scheduler().alphaCumprod(t);
            timesteps[i] = t;
            signal[i] = (float) Math.sqrt(alphaBar);
            noiseLevel[i] = (float) Math.sqrt(1 - alphaBar);
            String caption = random.nextDouble() < settings.captionDropout() ? "" : batch.captions().get(i);
            int[] tokens = models.tokenizer().encode(caption);
            for (int j = 0; j < tokens.length; j++) {
                ids[i * tokens.length + j] = tokens[j];
            }
        }
        NDArray noise = random.normal(scope, latents.getShape());
        Shape perImage = new Shape(b, 1, 1, 1);
        NDArray noisy = latents.mul(StepRandom.owned(scope, signal, perImage))
                .add(noise.mul(StepRandom.owned(scope, noiseLevel, perImage)));
        NDArray inputIds;
        try (NDArray wrapped = scope.create(ids, new Shape(b, models.tokenizer().maxLength()))) {
            inputIds = wrapped.toType(DataType.INT64, true);
        }
        NDArray context = models.textEncoder().forward(inputIds);
        NDArray prediction = models.unet().forward(noisy, timesteps, context);
        return prediction.sub(noise).square().mean();
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }
}
