package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightMap;

/**
 * diffusers' {@code AutoencoderKL}, the Stable Diffusion VAE: {@code encoder} → {@code quant_conv}
 * (1×1, 2·latent channels) → mean and log-variance; latents → {@code post_quant_conv} (1×1) →
 * {@code decoder}. Loads a snapshot's {@code vae/config.json} and
 * {@code vae/diffusion_pytorch_model[.fp16].safetensors} as they are published.
 *
 * <p>Scaling by {@link #scalingFactor()} is the caller's business, as in diffusers: {@code encode}
 * returns and {@code decode} takes unscaled latents.
 */
public final class AutoencoderKL {

    /** diffusers' {@code DiagonalGaussianDistribution} clamps the log-variance to this range. */
    private static final float LOGVAR_MIN = -30f;
    private static final float LOGVAR_MAX = 20f;
    /** The VAE's blocks all use {@code resnet_eps=1e-6} (diffusers' Encoder/Decoder hard-code it). */
    private static final double VAE_NORM_EPS = 1e-6;

    private final AutoencoderKLConfig config;
    private final Encoder encoder;
    private final Decoder decoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;
    private final Precision precision;

    private AutoencoderKL(WeightMap weights, AutoencoderKLConfig config) {
        this.config = config;
        this.precision = weights.precision();
        BlockStyle style = new BlockStyle(config.normNumGroups(), VAE_NORM_EPS,
                Activations.byName("vae/config.json act_fn", config.actFn()));
        long moments = 2L * config.latentChannels();
        this.encoder = new Encoder(weights.child("encoder"), config, style);
        this.decoder = new Decoder(weights.child("decoder"), config, style);
        this.quantConv = config.useQuantConv()
                ? new Conv2d(weights.child("quant_conv"), Conv2d.Spec.of(moments, moments, 1)) : null;
        this.postQuantConv = config.usePostQuantConv()
                ? new Conv2d(weights.child("post_quant_conv"),
                        Conv2d.Spec.of(config.latentChannels(), config.latentChannels(), 1))
                : null;
    }

    /**
     * Loads the snapshot's {@code vae}. The weights go into a child of {@code weightsManager}, which
     * is closed again if loading fails, so a broken snapshot leaves no tensors behind.
     */
    public static AutoencoderKL load(Snapshot snapshot, NDManager weightsManager) {
        return load(snapshot, weightsManager, Precision.FLOAT32);
    }

    /** As {@link #load(Snapshot, NDManager)}, the weights kept and the blocks computed in {@code precision}. */
    public static AutoencoderKL load(Snapshot snapshot, NDManager weightsManager, Precision precision) {
        AutoencoderKLConfig config = AutoencoderKLConfig.from(snapshot.config("vae"));
        NDManager manager = weightsManager.newSubManager();
        try {
            WeightMap weights = snapshot.weights("vae of " + snapshot.root(), "vae", "diffusion_pytorch_model",
                    manager, precision);
            AutoencoderKL model = new AutoencoderKL(weights, config);
            weights.finish();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * pixels [B, in, H, W] in [-1, 1] → mean and log-variance, each [B, latent, H/f, W/f] float32 (the blocks
     * compute in the weights' precision)
     */
    public LatentDistribution encode(NDArray pixels) {
        checkInput("pixels", pixels, config.inChannels());
        try (Scope scope = Scope.below(pixels)) {
            NDArray moments = encoder.forward(precision.cast(scope.enter(pixels)));
            if (quantConv != null) {
                moments = quantConv.forward(moments);
            }
            moments = Precision.full(moments);
            NDList halves = moments.split(2, 1);
            NDArray mean = halves.get(0);
            NDArray logvar = halves.get(1).clip(LOGVAR_MIN, LOGVAR_MAX);
            return new LatentDistribution(scope.exit(mean), scope.exit(logvar));
        }
    }

    /**
     * latents [B, latent, h, w], unscaled → pixels [B, out, h·f, w·f] float32, roughly in [-1, 1], not clamped
     * (the blocks compute in the weights' precision)
     */
    public NDArray decode(NDArray latents) {
        checkInput("latents", latents, config.latentChannels());
        return Scopes.within(latents, latent -> {
            NDArray z = precision.cast(latent);
            return Precision.full(decoder.forward(postQuantConv == null ? z : postQuantConv.forward(z)));
        });
    }

    /** The type the weights are kept and the blocks compute in (what enters and leaves is float32). */
    public Precision precision() {
        return precision;
    }

    private static void checkInput(String what, NDArray x, int channels) {
        Shape shape = x.getShape();
        if (shape.dimension() != 4 || shape.get(1) != channels) {
            throw new IllegalArgumentException("VAE " + what + " must be [B, " + channels + ", H, W], got " + shape);
        }
    }

    /** Latents are multiplied by this after encoding and divided by it before decoding (0.18215 for SD 1.x). */
    public double scalingFactor() {
        return config.scalingFactor();
    }

    /** Pixels per latent along each side: 2^(levels − 1), 8 for Stable Diffusion. */
    public int downscaleFactor() {
        return config.downscaleFactor();
    }

    public AutoencoderKLConfig config() {
        return config;
    }
}
