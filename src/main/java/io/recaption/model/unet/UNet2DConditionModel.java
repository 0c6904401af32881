package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Activations;
import io.recaption.model.nn.Conv2d;
import io.recaption.model.nn.FusedAttention;
import io.recaption.model.nn.GroupNorm;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.Scalars;
import io.recaption.model.nn.Scope;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * diffusers' {@code UNet2DConditionModel}, the noise predictor ε(z_t, t, c) of Stable Diffusion 1.x/2.x
 * (Rombach et al., "High-Resolution Image Synthesis with Latent Diffusion Models", 2022): {@code conv_in},
 * the sinusoidal time embedding, a contracting path of down blocks whose states are kept as skips, the mid
 * block, an expanding path of up blocks that concatenate those skips, then {@code conv_norm_out}, the
 * activation and {@code conv_out}. The text conditions every {@link Attention} layer with
 * {@code Attention#isCross()}, each of which calls its {@link AttentionProcessor}.
 *
 * <p>Weights live in a sub-manager of the manager given to {@link #load}; {@link #close()} frees them.
 * None of them requires a gradient, so a backward pass computes input gradients only (the text context's,
 * for null-text optimization). Each forward works in its own scope below the sample's manager and leaves
 * only its result there.
 */
public final class UNet2DConditionModel implements AutoCloseable {

    /** diffusers' name of a UNet's weight files, {@code diffusion_pytorch_model[.fp16].safetensors}. */
    public static final String WEIGHTS_BASE_NAME = "diffusion_pytorch_model";
    public static final String COMPONENT = "unet";

    private final UNet2DConditionConfig config;
    private final NDManager manager;
    private final long parameterCount;
    private final Conv2d convIn;
    private final Timesteps timeProj;
    private final TimestepEmbedding timeEmbedding;
    /** SDXL's text-and-time conditioning ({@code add_time_proj}, {@code add_embedding}); null for SD 1.x/2.x. */
    private final Timesteps addTimeProj;
    private final TimestepEmbedding addEmbedding;
    private final List<UNetDownBlock> downBlocks = new ArrayList<>();
    private final UNetMidBlock2DCrossAttn midBlock;
    private final List<UNetUpBlock> upBlocks = new ArrayList<>();
    private final GroupNorm convNormOut;
    private final UnaryOperator<NDArray> convAct;
    private final Conv2d convOut;
    private final List<Attention> attentionLayers;
    private final AttentionProcessor defaultProcessor;
    private final Precision precision;

    private UNet2DConditionModel(WeightMap weights, UNet2DConditionConfig config) {
        this.precision = weights.precision();
        this.config = config;
        this.manager = weights.manager();
        int width = config.timestepChannels();
        int blocks = config.blocks();
        this.convIn = new Conv2d(weights.child("conv_in"),
                Conv2d.Spec.of(config.inChannels(), width, UNet2DConditionConfig.CONV_KERNEL));
        this.timeProj = new Timesteps(width, config.flipSinToCos(), config.freqShift());
        UnaryOperator<NDArray> act = Activations.byName(config.source(), config.actFn());
        this.timeEmbedding = new TimestepEmbedding(weights.child("time_embedding"), width, config.timeEmbedDim(), act);
        UNet2DConditionConfig.TextTime textTime = config.textTime();
        // diffusers builds add_embedding as TimestepEmbedding(in, time_embed_dim) with its default act_fn, silu,
        // whatever the UNet's act_fn
        this.addTimeProj = textTime == null ? null
                : new Timesteps(textTime.timeEmbedDim(), config.flipSinToCos(), config.freqShift());
        this.addEmbedding = textTime == null ? null : new TimestepEmbedding(weights.child("add_embedding"),
                textTime.inputDim(), config.timeEmbedDim(), Activations.byName(config.source(), "silu"));
        for (int i = 0; i < blocks; i++) {
            UNetBlockSpec spec = UNetBlockSpec.down(config, i);
            WeightMap block = weights.child("down_blocks", i);
            downBlocks.add(config.downBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_ATTN_DOWN_BLOCK)
                    ? new CrossAttnDownBlock2D(block, spec) : new DownBlock2D(block, spec));
        }
        this.midBlock = config.hasMidBlock()
                ? new UNetMidBlock2DCrossAttn(weights.child("mid_block"), UNetBlockSpec.mid(config)) : null;
        for (int i = 0; i < blocks; i++) {
            UNetBlockSpec spec = UNetBlockSpec.up(config, i);
            WeightMap block = weights.child("up_blocks", i);
            upBlocks.add(config.upBlockTypes().get(i).equals(UNet2DConditionConfig.CROSS_ATTN_UP_BLOCK)
                    ? new CrossAttnUpBlock2D(block, spec) : new UpBlock2D(block, spec));
        }
        this.convNormOut = new GroupNorm(weights.child("conv_norm_out"), config.normNumGroups(), width, config.normEps());
        this.convAct = act;
        this.convOut = new Conv2d(weights.child("conv_out"), Conv2d.Spec.of(width, config.outChannels(), UNet2DConditionConfig.CONV_KERNEL));

        List<Attention> layers = new ArrayList<>();
        downBlocks.forEach(b -> layers.addAll(b.attentionLayers()));
        if (midBlock != null) {
            layers.addAll(midBlock.attentionLayers());
        }
        upBlocks.forEach(b -> layers.addAll(b.attentionLayers()));
        this.attentionLayers = Collections.unmodifiableList(layers);
        this.defaultProcessor = fusedOrPlain();
        attentionLayers.forEach(layer -> layer.setProcessor(defaultProcessor));
        // every tensor has been taken by the blocks above
        this.parameterCount = weights.parametersTaken();
    }

    /** The {@code unet} component of a diffusers snapshot. */
    public static UNet2DConditionModel load(Snapshot snapshot, NDManager weightsManager) {
        return load(snapshot, COMPONENT, weightsManager);
    }

    /**
     * Loads a component's config and weights strictly: every tensor must be present with the shape the
     * config implies, and none may be left over. On failure nothing stays in {@code weightsManager}.
     */
    public static UNet2DConditionModel load(Snapshot snapshot, String component, NDManager weightsManager) {
        return load(snapshot, component, weightsManager, Precision.FLOAT32);
    }

    /** The {@code unet} component, its weights kept and its forward computed in {@code precision}. */
    public static UNet2DConditionModel load(Snapshot snapshot, NDManager weightsManager, Precision precision) {
        return load(snapshot, COMPONENT, weightsManager, precision);
    }

    /** As {@link #load(Snapshot, String, NDManager)}, in {@code precision}. */
    public static UNet2DConditionModel load(Snapshot snapshot, String component, NDManager weightsManager,
            Precision precision) {
        UNet2DConditionConfig config = UNet2DConditionConfig.from(snapshot.config(component));
        NDManager manager = weightsManager.newSubManager();
        try {
            WeightMap weights = snapshot.weights("UNet2DConditionModel " + snapshot.componentDir(component), component,
                    WEIGHTS_BASE_NAME, manager, precision);
            UNet2DConditionModel model = new UNet2DConditionModel(weights, config);
            weights.finish();
            return model;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /**
     * sample [B, in, H, W], one timestep for the whole batch, encoderHiddenStates [B, N, crossDim]
     * → the prediction [B, out, H, W] (ε, or v for v-prediction checkpoints), in the sample's manager.
     */
    public NDArray forward(NDArray sample, float timestep, NDArray encoderHiddenStates) {
        return forward(sample, timestep, encoderHiddenStates, null);
    }

    /**
     * As {@link #forward(NDArray, float, NDArray)}, with SDXL's added conditions ({@code added_cond_kwargs}), which
     * a {@code text_time} UNet requires and any other refuses.
     */
    public NDArray forward(NDArray sample, float timestep, NDArray encoderHiddenStates, AddedConditions added) {
        return forward(sample, encoderHiddenStates, added,
                m -> timeProj.forward(m, timestep, sample.getShape().get(0)));
    }

    /**
     * sample [B, in, H, W], one timestep per sample (training), encoderHiddenStates [B, N, crossDim]
     * → the prediction [B, out, H, W], in the sample's manager.
     */
    public NDArray forward(NDArray sample, float[] timesteps, NDArray encoderHiddenStates) {
        if (timesteps.length != sample.getShape().get(0)) {
            throw new IllegalArgumentException(timesteps.length + " timesteps for a batch of " + sample.getShape().get(0));
        }
        return forward(sample, encoderHiddenStates, null, m -> timeProj.forward(m, timesteps));
    }

    private NDArray forward(NDArray sample, NDArray encoderHiddenStates, AddedConditions added,
            java.util.function.Function<NDManager, NDArray> timeProjection) {
        Shape shape = sample.getShape();
        if (shape.dimension() != 4 || shape.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("sample must be [B, " + config.inChannels() + ", H, W], got " + shape);
        }
        Shape contextShape = encoderHiddenStates.getShape();
        if (contextShape.dimension() != 3 || contextShape.get(0) != shape.get(0)) {
            throw new IllegalArgumentException("encoderHiddenStates must be [" + shape.get(0) + ", N, d], got "
                    + contextShape);
        }
        checkAdded(added, shape.get(0));
        try (Scope scope = Scope.below(sample)) {
            // float32 in and out; the blocks compute in the weights' precision (the sinusoidal time embedding
            // is made in float32 and cast, as diffusers' `t_emb.to(dtype=sample.dtype)`)
            NDArray x = precision.cast(scope.enter(sample));
            NDArray context = precision.cast(scope.enter(encoderHiddenStates));
            if (config.centerInputSample()) {
                x = Scalars.mul(x, 2).sub(1);
            }
            NDArray temb = timeEmbedding.forward(precision.cast(timeProjection.apply(x.getManager())));
            if (added != null) {
                temb = temb.add(addedEmbedding(scope, added)); // [B, time_embed_dim]
            }
            x = convIn.forward(x);

            List<NDArray> skips = new ArrayList<>();
            skips.add(x);
            for (UNetDownBlock block : downBlocks) {
                UNetDownBlock.Output out = block.forward(x, temb, context);
                x = out.hidden();
                skips.addAll(out.states());
            }
            if (midBlock != null) {
                x = midBlock.forward(x, temb, context);
            }

            // diffusers passes the skip's size to the upsamplers only when the latent is not divisible by
            // 2^(number of upsamplers): then a down path rounded an odd size up and ×2 would overshoot it
            long factor = 1L << (upBlocks.size() - 1);
            boolean forwardUpsampleSize = shape.get(2) % factor != 0 || shape.get(3) % factor != 0;
            for (UNetUpBlock block : upBlocks) {
                List<NDArray> consumed = skips.subList(skips.size() - block.resnetCount(), skips.size());
                List<NDArray> blockSkips = List.copyOf(consumed);
                consumed.clear();
                long[] upsampleSize = null;
                if (forwardUpsampleSize && !skips.isEmpty()) {
                    Shape next = skips.get(skips.size() - 1).getShape();
                    upsampleSize = new long[] {next.get(2), next.get(3)};
                }
                x = block.forward(x, blockSkips, temb, context, upsampleSize);
            }
            return scope.exit(Precision.full(convOut.forward(convNormOut.forwardThen(convAct, x))));
        }
    }

    /**
     * diffusers' {@code get_aug_embed} for "text_time": the time ids [B, 6] flattened through {@code add_time_proj}
     * → [B, 6 × timeEmbedDim], after the pooled embedding [B, pooled] → {@code add_embedding} → [B, time_embed_dim].
     */
    private NDArray addedEmbedding(Scope scope, AddedConditions added) {
        NDArray timeIds = scope.enter(added.timeIds());
        long batch = timeIds.getShape().get(0);
        float[] ids = timeIds.toFloatArray();
        NDArray timeEmbeds = addTimeProj.forward(scope.manager(), ids).reshape(batch, -1); // [B, 6 · dim]
        NDArray addEmbeds = scope.enter(added.textEmbeds()).concat(timeEmbeds, 1); // [B, inputDim]
        return addEmbedding.forward(precision.cast(addEmbeds));
    }

    private void checkAdded(AddedConditions added, long batch) {
        UNet2DConditionConfig.TextTime textTime = config.textTime();
        if (textTime == null) {
            if (added != null) {
                throw new IllegalArgumentException("this UNet has no addition embedding (addition_embed_type is not"
                        + " set): it takes no pooled text embedding or time ids");
            }
            return;
        }
        if (added == null) {
            throw new IllegalArgumentException("this UNet (addition_embed_type \"text_time\", SDXL) needs the pooled"
                    + " text embedding and the time ids beside the context");
        }
        Shape pooled = added.textEmbeds().getShape();
        Shape ids = added.timeIds().getShape();
        if (!pooled.equals(new Shape(batch, textTime.pooledDim()))
                || !ids.equals(new Shape(batch, UNet2DConditionConfig.TextTime.TIME_IDS))) {
            throw new IllegalArgumentException("added conditions must be text_embeds [" + batch + ", "
                    + textTime.pooledDim() + "] and time_ids [" + batch + ", " + UNet2DConditionConfig.TextTime.TIME_IDS
                    + "], got " + pooled + " and " + ids);
        }
    }

    /** The type the weights are kept and the blocks compute in (inputs and the prediction are float32). */
    public Precision precision() {
        return precision;
    }

    public UNet2DConditionConfig config() {
        return config;
    }

    /** Every attention layer in forward order: down blocks, mid block, up blocks; attn1 before attn2. */
    public List<Attention> attentionLayers() {
        return attentionLayers;
    }

    /** Installs one processor in every attention layer. */
    public void setAttentionProcessor(AttentionProcessor processor) {
        attentionLayers.forEach(layer -> layer.setProcessor(processor));
    }

    /** Puts the default attention back in every layer. */
    public void resetAttentionProcessors() {
        setAttentionProcessor(defaultProcessor);
    }

    /**
     * What layers run when no controller is installed: libtorch's fused kernel, which gives the same
     * numbers as {@link AttentionProcessor#DEFAULT} without forming the probabilities. Controllers that
     * need the probabilities compute them; where they change nothing they can call this instead.
     */
    public AttentionProcessor defaultProcessor() {
        return defaultProcessor;
    }

    /** The fused kernel (Attention's scale is always dh^-1/2, the kernel's own), or plain attention where it cannot load. */
    private static AttentionProcessor fusedOrPlain() {
        try {
            FusedAttention fused = FusedAttention.shared();
            return (site, query, key, value, scale) -> fused.apply(query, key, value);
        } catch (RuntimeException | LinkageError e) {
            System.getLogger(UNet2DConditionModel.class.getName()).log(System.Logger.Level.WARNING,
                    "fused attention unavailable, using plain attention: " + e);
            return AttentionProcessor.DEFAULT;
        }
    }

    /** Number of weights (scalars) in the checkpoint. */
    public long parameterCount() {
        return parameterCount;
    }

    /** The manager that owns this model's weights (a sub-manager of the one given to {@link #load}). */
    public NDManager manager() {
        return manager;
    }

    /** Frees the weights. */
    @Override
    public void close() {
        manager.close();
    }
}
