package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.unet.UNet2DConditionConfig;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.vae.AutoencoderKL;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.nio.file.Path;
import java.util.List;

/**
 * A Stable Diffusion XL snapshot as stabilityai/stable-diffusion-xl-base-1.0 publishes it
 * ({@code StableDiffusionXLPipeline}): both tokenizers and text encoders ({@link XlPromptEncoder}), the
 * {@code text_time} UNet, the VAE with its own scaling factor (0.13025), and DDIM built from the published scheduler
 * config. All weights live in one manager owned by this object.
 */
public final class StableDiffusionXL implements DiffusionModel {

    private final Path folder;
    private final NDManager weights;
    private final Precision precision;
    private final XlPromptEncoder promptEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final DdimScheduler scheduler;

    private StableDiffusionXL(Path folder, NDManager weights, Snapshot snapshot, Precision precision) {
        this.folder = folder;
        this.weights = weights;
        this.precision = precision;
        if (PipelineKind.of(snapshot) != PipelineKind.STABLE_DIFFUSION_XL) {
            throw new WeightLoadException(folder + " is not a Stable Diffusion XL snapshot (model_index.json's"
                    + " _class_name is not StableDiffusionXLPipeline)");
        }
        UNet2DConditionConfig unetConfig = UNet2DConditionConfig.from(snapshot.config(UNet2DConditionModel.COMPONENT));
        if (unetConfig.textTime() == null) {
            throw new WeightLoadException(folder + ": an SDXL UNet has addition_embed_type \"text_time\"; this one"
                    + " has none");
        }
        this.promptEncoder = XlPromptEncoder.load(snapshot, weights, precision);
        this.unet = UNet2DConditionModel.load(snapshot, weights, precision);
        this.vae = AutoencoderKL.load(snapshot, weights, precision);
        this.scheduler = DdimScheduler.load(snapshot);
        for (int width : unet.config().crossAttentionDim()) {
            if (width != promptEncoder.contextWidth()) {
                throw new WeightLoadException(folder + ": the UNet attends to " + width + "-wide context but the two"
                        + " text encoders give " + promptEncoder.contextWidth());
            }
        }
        if (unetConfig.textTime().pooledDim() != promptEncoder.pooledWidth()) {
            throw new WeightLoadException(folder + ": the UNet's added embedding reads a " + unetConfig.textTime()
                    .pooledDim() + "-wide pooled embedding but text_encoder_2 projects to " + promptEncoder.pooledWidth());
        }
    }

    /** Loads every component of an SDXL snapshot folder; fails with one clear message on the first bad one. */
    public static StableDiffusionXL load(Path folder, Precision precision) {
        NDManager weights = NDManager.newBaseManager();
        try {
            return new StableDiffusionXL(folder, weights, Snapshot.open(folder), precision);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    @Override
    public Path folder() {
        return folder;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /** The first tokenizer; the second's ids differ only in their padding (see {@link XlPromptEncoder}). */
    @Override
    public ClipTokenizer tokenizer() {
        return promptEncoder.tokenizer();
    }

    public XlPromptEncoder promptEncoder() {
        return promptEncoder;
    }

    @Override
    public UNet2DConditionModel unet() {
        return unet;
    }

    @Override
    public DdimScheduler scheduler() {
        return scheduler;
    }

    @Override
    public int imageSize() {
        return unet.config().sampleSize() * vae.downscaleFactor();
    }

    @Override
    public NDArray encode(NDArray pixels) {
        return VaeCodec.encode(vae, pixels);
    }

    @Override
    public NDArray decode(NDArray latents) {
        return VaeCodec.decode(vae, latents);
    }

    @Override
    public Conditioning condition(List<int[]> ids, float[][] keyWeights, NDManager manager) {
        XlPromptEncoder.Embeds embeds = promptEncoder.encodeIds(ids, keyWeights, manager);
        return new Conditioning(embeds.promptEmbeds(), embeds.pooled());
    }

    @Override
    public Conditioning unconditional(NDManager manager) {
        XlPromptEncoder.Embeds embeds = promptEncoder.unconditional(1, manager);
        return new Conditioning(embeds.promptEmbeds(), embeds.pooled());
    }

    /** (H, W, 0, 0, H, W) for the model's own size: the pipeline's default for a render of that size. */
    @Override
    public NDArray timeIds(int images, NDManager manager) {
        return XlTimeIds.uncropped(imageSize(), imageSize()).toArray(images, manager);
    }

    @Override
    public void close() {
        weights.close();
    }
}
