package io.recaption.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Null-text optimization's learning rate, base·max(1 − i/100, 0.1): the reference's schedule exactly wherever it
 * is meaningful (the first 91 timesteps, so the paper's 50 and every default), never zero or negative after.
 */
@Tag("unit")
class LearningRateScheduleTest {

    private static final double BASE = 1e-2;

    private static NullTextOptimization.Settings settings(int steps) {
        return NullTextOptimization.Settings.of(InversionSettings.defaults().withSteps(steps));
    }

    @Test
    void theFirstNinetyOneStepsDecayAsTheReferenceDoes() {
        for (int steps : new int[] {10, 50, 91, 200}) {
            for (int i = 0; i < Math.min(steps, 91); i++) {
                assertEquals(BASE * (1 - i / 100.0), settings(steps).learningRateAt(i), 1e-15, steps + " steps, " + i);
            }
        }
    }

    @Test
    void theRateStaysPositiveAtEveryStepForAnyStepCount() {
        for (int steps : new int[] {1, 50, 100, 101, 200, 1000}) {
            NullTextOptimization.Settings s = settings(Math.min(steps, InversionSettings.MAX_STEPS));
            double last = s.learningRateAt(steps - 1);
            System.out.printf("%4d steps: lr at the last step %.5f (the reference's 1 − i/100 gives %.5f)%n",
                    steps, last, BASE * (1 - (steps - 1) / 100.0));
            assertTrue(last >= BASE / 10, steps + " steps: " + last);
        }
    }
}
