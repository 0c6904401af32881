package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * One block's forward in its own {@link NDManager}, so that its intermediates (an attention's
 * [B, heads, N, N] logits, a resnet's normalized copies) are freed when the block returns rather than
 * when the caller's step scope closes. Without it one SD 1.5 forward at a 64² latent would hold every
 * intermediate of every block at once.
 *
 * <p>DJL attaches an op's result to the manager of the array the op is called on. The block therefore
 * works on {@linkplain #enter aliases} of its inputs owned by the scope (a same-shape reshape: a view of
 * the same storage, no copy), and {@linkplain #exit hands} only its result to the input's manager. The
 * inputs themselves are never moved: {@code tempAttach} does not nest in DJL (an array temp-attached twice
 * ends up owned, and closed, by the outer scope), and callers temp-attach their latents to step scopes.
 *
 * <p>Autograd is unaffected: libtorch's graph keeps the tensors it saved for backward whatever Java
 * handles are closed, and gradients flow through the aliases to the caller's leaf arrays.
 */
final class ActivationScope implements AutoCloseable {

    private final NDManager parent;
    private final NDManager scope;

    private ActivationScope(NDManager parent) {
        this.parent = parent;
        this.scope = parent.newSubManager();
    }

    /** A scope below the manager of {@code input}, which is where the block's result will go. */
    static ActivationScope below(NDArray input) {
        return new ActivationScope(input.getManager());
    }

    /** A view of {@code input} owned by this scope, so that every op on it lands here. */
    NDArray enter(NDArray input) {
        NDArray alias = input.reshape(input.getShape());
        alias.attach(scope);
        return alias;
    }

    /** Moves the block's result to the caller's manager; everything else in the scope is freed on close. */
    NDArray exit(NDArray result) {
        result.attach(parent);
        return result;
    }

    @Override
    public void close() {
        scope.close();
    }
}
