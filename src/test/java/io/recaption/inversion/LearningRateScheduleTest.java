package io.recaption.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Null-text optimization's learning rate, lr·(1 − i·decay): the reference's at 50 steps, never negative. */
class LearningRateScheduleTest {

    private static final double BASE = 1e-2;

    @Test
    void fiftyStepsDecayAsTheReferenceDoes() {
        assertEquals(1.0 / 100, Inverter.learningRateDecay(50), 1e-15, "lr·(1 − i/100) at 50 steps");
    }

    @Test
    void theRateStaysPositiveAtEveryStepForAnyStepCount() {
        for (int steps : new int[] {1, 2, 50, 100, 101, 200, 1000}) {
            double decay = Inverter.learningRateDecay(steps);
            double last = BASE * (1 - (steps - 1) * decay);
            System.out.printf("%4d steps: lr at the last step %.5f (a fixed 1/100 decay gives %.5f)%n",
                    steps, last, BASE * (1 - (steps - 1) / 100.0));
            assertTrue(last >= BASE / 2, steps + " steps: " + last);
        }
    }
}
