package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.UnaryOperator;

/**
 * A piece of forward computation (a block, a denoising step, an optimization iteration) in its own
 * {@link NDManager}, so that its intermediates are freed when it ends and only its result survives.
 *
 * <p>DJL attaches an op's result to the manager of the array the op is called on. The work therefore
 * runs on {@linkplain #enter aliases} of its inputs owned by the scope (a same-shape reshape: a view of
 * the same storage, no copy), and {@linkplain #exit hands} its result to the parent manager. Inputs are
 * never moved: DJL's {@code tempAttach} does not nest (an array temp-attached to a scope and then to a
 * child of it is returned to the scope as an ordinary resource and closed with it), so the engine does
 * not use it.
 *
 * <p>Autograd is unaffected: libtorch's graph keeps the tensors it saved for backward whatever Java
 * handles are closed, and gradients flow through the aliases to the caller's leaf arrays.
 */
public final class Scope implements AutoCloseable {

    private final NDManager parent;
    private final NDManager manager;

    private Scope(NDManager parent) {
        this.parent = parent;
        this.manager = parent.newSubManager();
    }

    /** A scope below {@code parent}, where results will go. */
    public static Scope below(NDManager parent) {
        return new Scope(parent);
    }

    /** A scope below the manager of {@code input}. */
    public static Scope below(NDArray input) {
        return new Scope(input.getManager());
    }

    /** A view of {@code input} owned by this scope, so that every op on it lands here. */
    public NDArray enter(NDArray input) {
        NDArray alias = input.reshape(input.getShape());
        alias.attach(manager);
        return alias;
    }

    /** Moves {@code result} to the parent manager; everything else in the scope is freed on close. */
    public NDArray exit(NDArray result) {
        result.attach(parent);
        return result;
    }

    /** The scope's own manager, for arrays created here from scratch. */
    public NDManager manager() {
        return manager;
    }

    public NDManager parent() {
        return parent;
    }

    /**
     * {@code step(x)}, then x freed: an intermediate's memory goes back as soon as its last use is done, as
     * PyTorch frees a tensor when its last reference goes, where DJL would keep it until its manager closes. In a
     * VAE block at 512² each such tensor is 128–256 MB: kept, a resnet block held six of them and the decoder's
     * upsampled maps lived to the end of the decode. Autograd keeps whatever it saved for backward.
     */
    public static NDArray consume(NDArray x, UnaryOperator<NDArray> step) {
        NDArray result = step.apply(x);
        if (result != x) {
            x.close();
        }
        return result;
    }

    @Override
    public void close() {
        manager.close();
    }
}
