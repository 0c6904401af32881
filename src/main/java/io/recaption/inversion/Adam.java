package io.recaption.inversion;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.nn.Scope;

/**
 * Adam (Kingma &amp; Ba 2015) for one tensor, step for step as {@code torch.optim.Adam}'s
 * single-tensor CPU path with its defaults (β = 0.9/0.999, ε = 1e-8, no weight decay, no amsgrad):
 * m ← m + (1−β1)(g − m); v ← β2·v + (1−β2)·g²; p ← p − (lr/(1−β1^t)) · m / (√v/√(1−β2^t) + ε).
 * The moments live in the manager given at construction (the optimization's scope).
 */
public final class Adam {

    // Python floats (doubles) as torch receives them; each becomes a float32 scalar where an op uses it
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final float EPSILON = 1e-8f;

    private final NDManager manager;
    private final double learningRate;
    private NDArray firstMoment;
    private NDArray secondMoment;
    private int step;

    public Adam(NDManager manager, double learningRate) {
        this.manager = manager;
        this.learningRate = learningRate;
    }

    /** Returns the updated parameter (a new array, attached to this optimizer's manager). */
    public NDArray step(NDArray parameter, NDArray gradient) {
        step++;
        double biasCorrection1 = 1 - Math.pow(BETA1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(BETA2, step));
        double stepSize = learningRate / biasCorrection1;
        try (Scope scope = Scope.below(manager)) {
            NDArray g = scope.enter(gradient);
            NDArray m0 = firstMoment == null ? g.zerosLike() : scope.enter(firstMoment);
            NDArray v0 = secondMoment == null ? g.zerosLike() : scope.enter(secondMoment);
            // exp_avg.lerp_(grad, 1 − β1); exp_avg_sq.mul_(β2).addcmul_(grad, grad, value = 1 − β2)
            NDArray m = scope.exit(m0.add(g.sub(m0).mul((float) (1 - BETA1))));
            NDArray v = scope.exit(v0.mul((float) BETA2).add(g.mul((float) (1 - BETA2)).mul(g)));
            if (firstMoment != null) {
                firstMoment.close();
                secondMoment.close();
            }
            firstMoment = m;
            secondMoment = v;
            NDArray denominator = scope.enter(v).sqrt().div((float) biasCorrection2Sqrt).add(EPSILON);
            NDArray update = scope.enter(m).div(denominator).mul((float) stepSize);
            return scope.exit(scope.enter(parameter).stopGradient().sub(update));
        }
    }
}
