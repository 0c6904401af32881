package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.recaption.model.nn.Scope;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization",
 * ICLR 2019, Algorithm 2; the update of {@code torch.optim.AdamW}): p ← p·(1 − lr·λ);
 * m ← β₁m + (1 − β₁)g; v ← β₂v + (1 − β₂)g²; p ← p − lr·(m / (1 − β₁ᵗ)) / (√v / √(1 − β₂ᵗ) + ε).
 * Gradients are first clipped to a global L2 norm (as diffusers' training scripts do with
 * {@code max_grad_norm}).
 *
 * <p>The update runs with autograd off and changes the parameters, moments and gradients in place
 * (aliases in a scratch scope, so no temporary lands in the weights' or moments' managers); the
 * gradients are zeroed afterwards, because libtorch adds each backward pass's gradient to {@code .grad}.
 * No autograd graph is built here, so plain {@code mul(Number)} is safe (the scalar is only read while
 * the op runs).
 */
public final class AdamW {

    /** The optimizer's constants. */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay, double maxGradNorm) {
        /** torch's AdamW defaults but a lighter decay (1e-2 → 1e-4, as diffusers' scripts use), clip at 1. */
        public static Settings defaults() {
            return new Settings(0.9, 0.999, 1e-8, 1e-4, 1.0);
        }
    }

    /** Key prefixes of the moments in a checkpoint file. */
    static final String FIRST = "exp_avg/";
    static final String SECOND = "exp_avg_sq/";

    private final Settings settings;
    private final NDManager manager;
    private final Map<String, NDArray> first = new LinkedHashMap<>();
    private final Map<String, NDArray> second = new LinkedHashMap<>();
    private long steps;

    /** Zero moments for every parameter, in a sub-manager of {@code parent}. */
    public AdamW(Settings settings, Parameters parameters, NDManager parent) {
        this.settings = settings;
        this.manager = parent.newSubManager();
        parameters.components().forEach((component, weights) -> weights.forEach((key, w) -> {
            first.put(component + "/" + key, manager.zeros(w.getShape(), w.getDataType()));
            second.put(component + "/" + key, manager.zeros(w.getShape(), w.getDataType()));
        }));
    }

    /** Updates steps taken so far. */
    public long steps() {
        return steps;
    }

    /**
     * One update of every parameter from its accumulated gradient, then zeroes the gradients; returns the
     * gradient's global norm before clipping. A parameter that got no gradient is left alone.
     */
    public double step(Parameters parameters, double learningRate) {
        return Parameters.withoutGradients(() -> {
            try (Scope scope = Scope.below(manager)) {
                Map<String, NDArray[]> live = new LinkedHashMap<>();
                Map<String, NDArray> owners = new LinkedHashMap<>();
                double squared = 0;
                for (Map.Entry<String, Map<String, NDArray>> c : parameters.components().entrySet()) {
                    for (Map.Entry<String, NDArray> e : c.getValue().entrySet()) {
                        NDArray gradient = gradientOf(e.getValue(), scope.manager());
                        if (gradient != null) {
                            squared += gradient.square().sum().getFloat();
                            live.put(c.getKey() + "/" + e.getKey(), new NDArray[] {scope.enter(e.getValue()), gradient});
                            owners.put(c.getKey() + "/" + e.getKey(), e.getValue());
                        }
                    }
                }
                double norm = Math.sqrt(squared);
                double clip = norm > settings.maxGradNorm() ? settings.maxGradNorm() / (norm + 1e-6) : 1.0;
                steps++;
                double correction1 = 1 - Math.pow(settings.beta1(), steps);
                double correction2 = 1 - Math.pow(settings.beta2(), steps);
                for (Map.Entry<String, NDArray[]> e : live.entrySet()) {
                    NDArray p = e.getValue()[0];
                    NDArray g = e.getValue()[1];
                    NDArray gClipped = clip == 1.0 ? g : g.mul(clip);
                    NDArray m = scope.enter(first.get(e.getKey()));
                    NDArray v = scope.enter(second.get(e.getKey()));
                    m.muli(settings.beta1()).addi(gClipped.mul(1 - settings.beta1()));
                    v.muli(settings.beta2()).addi(gClipped.square().muli(1 - settings.beta2()));
                    NDArray denominator = v.sqrt().divi(Math.sqrt(correction2)).addi(settings.epsilon());
                    p.muli(1 - learningRate * settings.weightDecay());
                    p.subi(m.div(denominator).muli(learningRate / correction1));
                }
                for (NDArray parameter : owners.values()) {
                    JniUtils.zeroGrad((PtNDArray) parameter);
                }
                return norm;
            }
        });
    }

    /** The parameter's .grad as an array in {@code scratch}, or null when no backward pass reached it. */
    private static NDArray gradientOf(NDArray parameter, NDManager scratch) {
        NDArray gradient;
        try {
            gradient = parameter.getGradient();
        } catch (RuntimeException e) {
            return null;
        }
        if (gradient == null) {
            return null;
        }
        gradient.attach(scratch);
        return gradient;
    }

    /** The moments by {@code exp_avg/component/key} and {@code exp_avg_sq/component/key}, for a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        first.forEach((k, v) -> out.put(FIRST + k, v));
        second.forEach((k, v) -> out.put(SECOND + k, v));
        return out;
    }

    /** Restores moments and step count from a checkpoint (in place; keys as {@link #state()} names them). */
    public void restore(Map<String, NDArray> state, long stepsTaken) {
        Map<String, NDArray> mine = state();
        if (!mine.keySet().equals(state.keySet())) {
            throw new IllegalArgumentException("optimizer state does not match the parameters: " + state.size()
                    + " moments for " + mine.size());
        }
        Parameters.withoutGradients(() -> {
            mine.forEach((k, v) -> Parameters.copyInto(v, state.get(k), "optimizer " + k));
            return null;
        });
        this.steps = stepsTaken;
    }

    /** Frees the moments. */
    public void close() {
        manager.close();
    }
}
