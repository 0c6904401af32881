package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.nn.Scalars;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.vae.LatentDistribution;
import java.util.function.LongUnaryOperator;

/**
 * The VAE's objective (Rombach et al. 2022, §3 and appendix G, without the perceptual and adversarial
 * terms, which a world of flat-coloured shapes does not need): an L1 reconstruction of a latent drawn
 * from the posterior (reparameterised: z = μ + σ·n), plus a KL term toward N(0, I) with a small weight,
 * summed over a sample's latent elements and averaged over the batch, as in the LDM "KL-reg" autoencoders.
 */
public final class VaeTrainer implements Objective {

    /** @param dataStep which batch step {@code n} reads (identity to train; a constant to overfit one batch) */
    public record Settings(int batchSize, long seed, double klWeight, LongUnaryOperator dataStep) {
        public static Settings training(int batchSize, long seed) {
            return new Settings(batchSize, seed, 1e-6, n -> n);
        }
    }

    private final AutoencoderKL vae;
    private final Parameters parameters;
    private final ShapesBatches data;
    private final Settings settings;
    private double lastReconstruction;
    private double lastKl;

    public VaeTrainer(AutoencoderKL vae, Parameters parameters, ShapesBatches data, Settings settings) {
        this.vae = vae;
        this.parameters = parameters;
        this.data = data;
        this.settings = settings;
    }

    @Override
    public NDArray loss(long step, NDManager scope) {
        long dataStep = settings.dataStep().applyAsLong(step);
        NDArray pixels = data.batch(dataStep, settings.batchSize()).pixels(scope);
        LatentDistribution posterior = vae.encode(pixels);
        NDArray noise = new StepRandom(settings.seed(), dataStep, 0).normal(scope, posterior.mean().getShape());
        NDArray std = Scalars.mul(posterior.logvar(), 0.5).exp();
        NDArray z = posterior.mean().add(std.mul(noise));
        NDArray reconstruction = vae.decode(z).sub(pixels).abs().mean();
        // KL(N(μ, σ²) ‖ N(0, 1)) = ½ Σ (μ² + σ² − 1 − log σ²); the constant −1 has no gradient and is added in Java
        NDArray klTerms = posterior.mean().square().add(posterior.logvar().exp()).sub(posterior.logvar()).sum();
        NDArray kl = Scalars.mul(klTerms, 0.5 / settings.batchSize());
        long elementsPerSample = posterior.mean().getShape().size() / settings.batchSize();
        lastReconstruction = reconstruction.getFloat();
        lastKl = kl.getFloat() - 0.5 * elementsPerSample;
        return reconstruction.add(Scalars.mul(kl, settings.klWeight()));
    }

    /** The last step's L1 reconstruction error (pixels in [−1, 1]). */
    public double lastReconstruction() {
        return lastReconstruction;
    }

    /** The last step's KL per sample, in nats. */
    public double lastKl() {
        return lastKl;
    }

    @Override
    public Parameters parameters() {
        return parameters;
    }
}
