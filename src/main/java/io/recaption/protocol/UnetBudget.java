package io.recaption.protocol;

import io.recaption.diffusion.Phase;
import io.recaption.inversion.InversionMethod;
import java.util.EnumMap;
import java.util.Map;

/**
 * What an inversion costs in UNet evaluations, phase by phase (a forward+backward counted as two), before it
 * runs: the budget check of a request ({@code recaption.limits.max-unet-evaluations}) and the progress weights
 * of a running job use this one table, so that what is admitted is what is reported.
 *
 * <p>DDIM inversion: one pass per step at guidance 1. Null-text: per step, the conditional pass once and per
 * inner iteration an unconditional forward and backward (3 with the loss's own forward), plus the pass that
 * advances z̄ — steps × (2 + 3·inner). Global null-text: inner passes over all steps, 4 each. Direct
 * inversion's offsets: two per step. The reconstruction samples with guidance: 2 per step.
 */
public final class UnetBudget {

    private UnetBudget() {}

    public static Map<Phase, Double> inversionWork(InversionMethod method, int steps, int innerSteps) {
        Map<Phase, Double> work = new EnumMap<>(Phase.class);
        work.put(Phase.DDIM_INVERSION, (double) steps);
        switch (method) {
            case NULL_TEXT -> work.put(Phase.NULL_TEXT, steps * (2.0 + 3.0 * innerSteps));
            case GLOBAL_NULL_TEXT -> work.put(Phase.GLOBAL_NULL_TEXT, steps * 4.0 * innerSteps);
            case DIRECT -> work.put(Phase.DIRECT_OFFSETS, 2.0 * steps);
            default -> { }
        }
        work.put(Phase.SAMPLING, 2.0 * steps);
        return work;
    }

    /** The whole inversion's UNet evaluations. */
    public static long inversion(InversionMethod method, int steps, int innerSteps) {
        return Math.round(inversionWork(method, steps, innerSteps).values().stream().mapToDouble(Double::doubleValue).sum());
    }
}
