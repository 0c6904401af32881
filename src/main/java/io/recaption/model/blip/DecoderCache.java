package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * The text decoder's key/value cache (transformers' {@code EncoderDecoderCache}): per layer, the
 * self-attention keys and values of every position decoded so far, and the cross-attention keys
 * and values of the image states, which do not change during generation and are projected once.
 *
 * <p>With it each decoding step feeds only the new token: its query attends to the cached keys,
 * and its own key and value are appended. Without it (the reference behaviour that
 * {@link BlipTextLMHeadModel} also offers) every step re-runs the whole sequence; the logits are
 * the same up to float rounding.
 *
 * <p>The cache owns its arrays in its own manager: a step's new keys are computed in the step's
 * scope and the grown tensor is moved here, the previous one closed, so the cache holds exactly
 * one tensor per slot however long the caption grows. Close it (or its parent manager) when done.
 */
public final class DecoderCache implements AutoCloseable {

    private final NDManager manager;
    private final NDArray[] selfKeys;
    private final NDArray[] selfValues;
    private final NDArray[] crossKeys;
    private final NDArray[] crossValues;
    private long length;

    DecoderCache(NDManager parent, int layers) {
        this.manager = parent.newSubManager();
        this.selfKeys = new NDArray[layers];
        this.selfValues = new NDArray[layers];
        this.crossKeys = new NDArray[layers];
        this.crossValues = new NDArray[layers];
    }

    /** Positions cached so far: the position id of the next token fed. */
    public long length() {
        return length;
    }

    /**
     * Appends a step's keys and values [B, H, S, d] (in the step's manager) to layer {@code layer}'s
     * and returns the whole [B, H, T+S, d] pair in the step's manager; views of it are kept here.
     */
    NDArray[] appendSelf(int layer, NDArray keys, NDArray values) {
        NDArray fullKeys = grow(selfKeys[layer], keys);
        NDArray fullValues = grow(selfValues[layer], values);
        selfKeys[layer] = keep(selfKeys[layer], fullKeys);
        selfValues[layer] = keep(selfValues[layer], fullValues);
        return new NDArray[] {fullKeys, fullValues};
    }

    /**
     * The cross-attention keys and values of layer {@code layer} as views in {@code step} (so that
     * the ops on them land there, not here), or {@code null} before the first pass.
     */
    NDArray[] cross(int layer, NDManager step) {
        return crossKeys[layer] == null ? null
                : new NDArray[] {view(crossKeys[layer], step), view(crossValues[layer], step)};
    }

    /** Keeps views of the first pass's cross-attention keys and values [B, H, N, d]. */
    void putCross(int layer, NDArray keys, NDArray values) {
        crossKeys[layer] = keep(crossKeys[layer], keys);
        crossValues[layer] = keep(crossValues[layer], values);
    }

    /** Called once per decoder pass, after every layer has appended {@code tokens} positions. */
    void advance(long tokens) {
        length += tokens;
    }

    /**
     * Beam search: row i of every cached tensor becomes row {@code rows[i]} of before (transformers'
     * {@code reorder_cache}), so each surviving beam carries the history of the beam it grew from.
     */
    public void reorder(long[] rows) {
        try (NDArray index = manager.create(rows)) {
            for (NDArray[] slots : new NDArray[][] {selfKeys, selfValues, crossKeys, crossValues}) {
                for (int layer = 0; layer < slots.length; layer++) {
                    if (slots[layer] != null) {
                        NDArray before = slots[layer];
                        slots[layer] = before.get(new NDIndex("{}", index)); // lands in this cache's manager
                        before.close();
                    }
                }
            }
        }
    }

    /** The cached tensor with {@code step} appended along the sequence axis, in the step's manager. */
    private static NDArray grow(NDArray cached, NDArray step) {
        return cached == null ? step : view(cached, step.getManager()).concat(step, 2);
    }

    /** A view of {@code array} (same storage, no copy) owned by {@code target}. */
    private static NDArray view(NDArray array, NDManager target) {
        NDArray alias = array.reshape(array.getShape());
        alias.attach(target);
        return alias;
    }

    /** Keeps a view of {@code next} here and frees the tensor it replaces; {@code next} stays the step's. */
    private NDArray keep(NDArray previous, NDArray next) {
        NDArray kept = view(next, manager);
        if (previous != null) {
            previous.close();
        }
        return kept;
    }

    @Override
    public void close() {
        manager.close();
    }
}
