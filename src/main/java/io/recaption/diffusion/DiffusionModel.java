package io.recaption.diffusion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.clip.ClipTokenizer;
import io.recaption.model.nn.Precision;
import io.recaption.model.unet.UNet2DConditionModel;
import java.nio.file.Path;
import java.util.List;

/**
 * A latent diffusion model as inversion and editing use it: {@link StableDiffusion} (SD 1.x/2.x) and
 * {@link StableDiffusionXL}. The differences stay behind it: how a caption conditions the UNet (one encoder, or two
 * with a pooled embedding and time ids) and what the unconditional branch starts from.
 */
public interface DiffusionModel extends AutoCloseable {

    /**
     * Loads the snapshot folder as the pipeline its model_index.json names: {@link StableDiffusionXL} for
     * {@code StableDiffusionXLPipeline}, {@link StableDiffusion} for SD 1.x/2.x; anything else is refused naming it.
     */
    static DiffusionModel load(Path folder, Precision precision) {
        return PipelineKind.of(io.recaption.model.weights.Snapshot.open(folder)) == PipelineKind.STABLE_DIFFUSION_XL
                ? StableDiffusionXL.load(folder, precision) : StableDiffusion.load(folder, precision);
    }

    Path folder();

    /** The type the models' weights are kept and their forward passes computed in. */
    Precision precision();

    /** The tokenizer whose ids {@link #condition} reads and whose token positions Prompt-to-Prompt addresses. */
    ClipTokenizer tokenizer();

    UNet2DConditionModel unet();

    DdimScheduler scheduler();

    /** Pixel size of the square images the model renders by default. */
    int imageSize();

    /** pixels [1, 3, H, W] in [−1, 1] → z_0 [1, 4, h, w] (the posterior's mean × scaling factor). */
    NDArray encode(NDArray pixels);

    /** latents [n, 4, h, w] → pixels [n, 3, H, W] in [−1, 1]. */
    NDArray decode(NDArray latents);

    /** n captions' token ids (n × maxLength, from {@link #tokenizer()}) → their conditioning, in {@code manager}. */
    default Conditioning condition(List<int[]> ids, NDManager manager) {
        return condition(ids, null, manager);
    }

    /**
     * As {@link #condition(List, NDManager)}, with per-caption weights [n][maxLength] of what later tokens read of
     * each token in the text encoder(s) (null: the reference's; see {@code ClipTextModel#forward(NDArray, float[][])}).
     */
    Conditioning condition(List<int[]> ids, float[][] keyWeights, NDManager manager);

    /** The unconditional branch the reference pipeline builds for one image, in {@code manager}. */
    Conditioning unconditional(NDManager manager);

    /** SDXL's time ids for n images (of {@link #imageSize()}, nothing cropped) [n, 6]; null for SD 1.x/2.x. */
    NDArray timeIds(int images, NDManager manager);

    /**
     * A denoiser whose unconditional half reads {@code uncond}'s pooled embedding and whose conditional half reads
     * {@code cond}'s (each [n, P]), with the time ids of n images: SDXL's added conditioning; plain for SD, where
     * {@code uncond} may be null.
     */
    default GuidedDenoiser denoiser(Conditioning uncond, Conditioning cond, NDManager manager) {
        return denoiser(uncond, cond, null, manager);
    }

    /** As {@link #denoiser(Conditioning, Conditioning, NDManager)}, with the photo's time ids (null: the default). */
    default GuidedDenoiser denoiser(Conditioning uncond, Conditioning cond, XlTimeIds timeIds, NDManager manager) {
        if (cond.pooled() == null) {
            return new GuidedDenoiser(unet());
        }
        int images = Math.toIntExact(cond.pooled().getShape().get(0));
        return new GuidedDenoiser(unet(), new GuidedDenoiser.AddedConditioning(uncond.pooled(), cond.pooled(),
                timeIds == null ? timeIds(images, manager) : timeIds.toArray(images, manager)));
    }

    @Override
    void close();
}
