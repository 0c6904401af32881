package io.recaption.model.unet;

import io.recaption.model.nn.Scope;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.nn.Linear;
import io.recaption.model.weights.WeightMap;
import java.util.Objects;

/**
 * diffusers' {@code Attention} as the UNet's transformer blocks build it: {@code to_q}, {@code to_k},
 * {@code to_v} without bias, {@code to_out.0} with bias. The attention itself is delegated to an
 * {@link AttentionProcessor}, called with this layer's {@link AttentionSite}; the default processor is
 * {@code softmax(q·kᵀ/√dh)·v} per head, as diffusers' {@code AttnProcessor2_0}.
 */
public final class Attention {

    /**
     * One layer's geometry.
     *
     * @param queryDim channels of the hidden states
     * @param contextDim channels of the keys' source: the text context for cross-attention, else queryDim
     * @param heads number of heads; each is {@code queryDim / heads} wide
     * @param place the UNet part the layer is in
     * @param cross whether the keys come from the text context ({@code attn2})
     */
    public record Spec(long queryDim, long contextDim, int heads, AttentionSite.Place place, boolean cross) {}

    private final String path;
    private final AttentionSite.Place place;
    private final boolean cross;
    private final int heads;
    private final long headDim;
    private final float scale;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut0;
    private volatile AttentionProcessor processor = AttentionProcessor.DEFAULT;

    Attention(WeightMap weights, Spec spec) {
        String prefix = weights.prefix();
        this.path = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : prefix;
        this.place = spec.place();
        this.cross = spec.cross();
        this.heads = spec.heads();
        this.headDim = spec.queryDim() / spec.heads();
        this.scale = (float) (1.0 / Math.sqrt(headDim));
        long inner = headDim * heads;
        this.toQ = new Linear(weights.child("to_q"), spec.queryDim(), inner, false);
        this.toK = new Linear(weights.child("to_k"), spec.contextDim(), inner, false);
        this.toV = new Linear(weights.child("to_v"), spec.contextDim(), inner, false);
        this.toOut0 = new Linear(weights.child("to_out", 0), inner, spec.queryDim(), true);
    }

    /**
     * hidden [B, Nq, queryDim], context [B, Nk, contextDim] (unused by self-attention) → [B, Nq, queryDim].
     *
     * @param height the query map's height at this call (Nq = height × width), for the processor's site
     */
    public NDArray forward(NDArray hidden, NDArray context, int height, int width) {
        try (Scope scope = Scope.below(hidden)) {
            NDArray x = scope.enter(hidden);
            NDArray source = cross ? scope.enter(context) : x;
            NDArray query = splitHeads(toQ.forward(x));
            NDArray key = splitHeads(toK.forward(source));
            NDArray value = splitHeads(toV.forward(source));
            AttentionSite site = new AttentionSite(path, place, cross, height, width);
            NDArray attended = processor.attend(site, query, key, value, scale);
            if (!attended.getShape().equals(query.getShape())) {
                throw new IllegalStateException("attention processor at " + path + " returned " + attended.getShape()
                        + " for queries " + query.getShape());
            }
            Shape shape = x.getShape();
            NDArray merged = attended.transpose(0, 2, 1, 3).reshape(shape.get(0), shape.get(1), headDim * heads);
            return scope.exit(toOut0.forward(merged));
        }
    }

    /** [B, N, heads·dh] → [B, heads, N, dh] (a view; the processor's matMul reads the strides). */
    private NDArray splitHeads(NDArray x) {
        return x.reshape(x.getShape().get(0), -1, heads, headDim).transpose(0, 2, 1, 3);
    }

    /** The layer's checkpoint key prefix without the trailing dot, e.g. {@code mid_block.attentions.0.transformer_blocks.0.attn1}. */
    public String path() {
        return path;
    }

    public AttentionSite.Place place() {
        return place;
    }

    public boolean isCross() {
        return cross;
    }

    public int heads() {
        return heads;
    }

    public AttentionProcessor processor() {
        return processor;
    }

    /** Installs the processor this layer calls from its next forward on. */
    public void setProcessor(AttentionProcessor processor) {
        this.processor = Objects.requireNonNull(processor, "processor");
    }
}
