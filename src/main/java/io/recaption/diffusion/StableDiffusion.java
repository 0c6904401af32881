package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.clip.ClipTextModel;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.unet.UNet2DConditionConfig;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.weights.Snapshot;
import java.nio.file.Path;
import java.util.List;

/**
 * The components of one diffusers Stable Diffusion snapshot, loaded once: tokenizer, text
 * encoder, UNet, VAE and the DDIM scheduler built from the snapshot's scheduler config. All
 * weights live in one manager owned by this object.
 */
public final class StableDiffusion implements DiffusionModel {

    private final Path folder;
    private final NDManager weights;
    private final ClipTokenizer tokenizer;
    private final ClipTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final DdimScheduler scheduler;
    private final Precision precision;

    private StableDiffusion(Path folder, NDManager weights, Snapshot snapshot, Precision precision) {
        this.folder = folder;
        this.weights = weights;
        this.precision = precision;
        if (PipelineKind.of(snapshot) == PipelineKind.STABLE_DIFFUSION_XL
                || UNet2DConditionConfig.from(snapshot.config(UNet2DConditionModel.COMPONENT)).textTime() != null) {
            // SDXL loads as StableDiffusionXL (DiffusionModel.load picks it): refused here, by what it is, before any
            // weight is read
            throw new io.recaption.model.weights.WeightLoadException(folder + " is a Stable Diffusion XL snapshot"
                    + " (StableDiffusionXLPipeline; its UNet has addition_embed_type \"text_time\"): this reads Stable"
                    + " Diffusion 1.x or 2.x snapshots only (StableDiffusionPipeline); invert, edit and serve take SDXL");
        }
        this.tokenizer = ClipTokenizer.load(snapshot.componentDir("tokenizer"));
        this.textEncoder = ClipTextModel.load(snapshot, weights, precision);
        this.unet = UNet2DConditionModel.load(snapshot, weights, precision);
        this.vae = AutoencoderKL.load(snapshot, weights, precision);
        this.scheduler = DdimScheduler.load(snapshot);
        for (int width : unet.config().crossAttentionDim()) {
            if (width != textEncoder.hiddenSize()) {
                throw new io.recaption.model.weights.WeightLoadException(folder + ": the UNet attends to " + width
                        + "-wide context but the text encoder gives " + textEncoder.hiddenSize());
            }
        }
    }

    /** Loads every component of the snapshot folder; fails with one clear message on the first bad component. */
    public static StableDiffusion load(Path folder) {
        return load(folder, Precision.FLOAT32);
    }

    /**
     * As {@link #load(Path)}, the models' weights kept and their forward passes computed in {@code precision};
     * latents, text embeddings and everything the scheduler and the optimizer touch stay float32.
     */
    public static StableDiffusion load(Path folder, Precision precision) {
        NDManager weights = NDManager.newBaseManager();
        try {
            return new StableDiffusion(folder, weights, Snapshot.open(folder), precision);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    @Override
    public Path folder() {
        return folder;
    }

    /** The type the models' weights are kept and their forward passes computed in. */
    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public ClipTextModel textEncoder() {
        return textEncoder;
    }

    @Override
    public UNet2DConditionModel unet() {
        return unet;
    }

    public AutoencoderKL vae() {
        return vae;
    }

    @Override
    public DdimScheduler scheduler() {
        return scheduler;
    }

    /** Pixel size of the square images the UNet was trained on: sample size × VAE downscale factor. */
    @Override
    public int imageSize() {
        return unet.config().sampleSize() * vae.downscaleFactor();
    }

    /** Latent side length for {@link #imageSize()}. */
    public int latentSize() {
        return unet.config().sampleSize();
    }

    /** Text embeddings of token ids: n × maxLength ids → [n, maxLength, d], in {@code manager}. */
    public NDArray encodeIds(List<int[]> ids, NDManager manager) {
        return encodeIds(ids, null, manager);
    }

    /**
     * As {@link #encodeIds(List, NDManager)}, with per-caption weights [n][maxLength] of what later tokens read of
     * each token (null: the reference's encoder; see {@link ClipTextModel#forward(NDArray, float[][])}).
     */
    public NDArray encodeIds(List<int[]> ids, float[][] keyWeights, NDManager manager) {
        try (NDArray input = ClipTextModel.ids(ids, manager)) {
            return textEncoder.forward(input, keyWeights);
        }
    }

    @Override
    public NDArray encode(NDArray pixels) {
        return VaeCodec.encode(vae, pixels);
    }

    @Override
    public NDArray decode(NDArray latents) {
        return VaeCodec.decode(vae, latents);
    }

    /** SD 1.x/2.x: the text encoder's last states; no pooled embedding. */
    @Override
    public Conditioning condition(List<int[]> ids, float[][] keyWeights, NDManager manager) {
        return new Conditioning(encodeIds(ids, keyWeights, manager), null);
    }

    /** The encoded "", as the null-text reference's {@code get_context}. */
    @Override
    public Conditioning unconditional(NDManager manager) {
        return condition(List.of(tokenizer.encode("")), manager);
    }

    /** SD 1.x/2.x take no time ids. */
    @Override
    public NDArray timeIds(int images, NDManager manager) {
        return null;
    }

    @Override
    public void close() {
        weights.close();
    }
}
