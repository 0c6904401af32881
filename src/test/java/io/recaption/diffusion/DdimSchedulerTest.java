package io.recaption.diffusion;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.recaption.Fixtures;
import io.recaption.diffusion.DdimSchedulerConfig.BetaSchedule;
import io.recaption.diffusion.DdimSchedulerConfig.PredictionType;
import io.recaption.diffusion.DdimSchedulerConfig.TimestepSpacing;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.Snapshot;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DDIM against diffusers' DDIMScheduler (reference README: timesteps exact, the rest ≤ 1e-5). */
@Tag("conformance")
class DdimSchedulerTest {

    private static final double TOLERANCE = 1e-5;
    private static final int STEPS = 50;

    /** The scheduler_config.json of the SD 1.5 hub snapshot (written for PNDM). */
    private static final String SD15_PNDM = """
            {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012,
             "beta_schedule": "scaled_linear", "beta_start": 0.00085, "num_train_timesteps": 1000,
             "set_alpha_to_one": false, "skip_prk_steps": true, "steps_offset": 1, "trained_betas": null}
            """;

    @TempDir
    Path tmp;

    private static DdimScheduler tinySd() {
        return DdimScheduler.load(Snapshot.open(Fixtures.tinySd()));
    }

    private static DdimSchedulerConfig config(TimestepSpacing spacing, PredictionType prediction) {
        return new DdimSchedulerConfig(1000, 0.00085, 0.012, BetaSchedule.SCALED_LINEAR, false, 1, prediction, false,
                1.0, spacing);
    }

    @Test
    void timestepsMatchDiffusersExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray expected = Fixtures.cases(manager).get("ddim.timesteps_50");
            int[] timesteps = tinySd().timesteps(STEPS);
            NDArray actual = manager.create(timesteps).toType(DataType.FLOAT32, false);
            Fixtures.assertMaxAbs("ddim.timesteps_50", expected, actual, 0);
            assertEquals(981, timesteps[0]);
            assertEquals(1, timesteps[STEPS - 1]);
        }
    }

    @Test
    void alphasCumprodMatchDiffusers() {
        DdimScheduler scheduler = tinySd();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray expected = Fixtures.cases(manager).get("ddim.alphas_cumprod");
            float[] alphas = new float[1000];
            for (int t = 0; t < alphas.length; t++) {
                alphas[t] = (float) scheduler.alphaCumprod(t);
            }
            Fixtures.assertMaxAbs("ddim.alphas_cumprod", expected, manager.create(alphas), TOLERANCE);
            // set_alpha_to_one=false: the final ᾱ is the first training step's
            assertEquals(expected.getFloat(0), scheduler.finalAlphaCumprod(), 0.0);
        }
    }

    @Test
    void stepsMatchDiffusers() {
        DdimScheduler scheduler = tinySd();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray eps = cases.get("ddim.step_eps");
            NDArray x = cases.get("ddim.step_x");
            assertEquals(1, scheduler.previousTimestep(21, STEPS));
            assertTrue(scheduler.previousTimestep(1, STEPS) < 0);
            NDArray toT1 = scheduler.step(eps, 21, x, STEPS);
            NDArray toFinal = scheduler.step(eps, 1, x, STEPS);
            Fixtures.assertMaxAbs("ddim.step_t21", cases.get("ddim.step_t21"), toT1, TOLERANCE);
            Fixtures.assertMaxAbs("ddim.step_t1", cases.get("ddim.step_t1"), toFinal, TOLERANCE);
            assertSame(manager, toT1.getManager());
        }
    }

    @Test
    void inverseStepUndoesAStepWithTheSameNoise() {
        DdimScheduler scheduler = tinySd();
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray eps = cases.get("ddim.step_eps");
            NDArray x = cases.get("ddim.step_x");
            for (int t : new int[] {981, 501, 21, 1}) {
                NDArray back = scheduler.inverseStep(eps, t, scheduler.step(eps, t, x, STEPS), STEPS);
                Fixtures.assertMaxAbs("ddim inverse∘step at t=" + t, x, back, 1e-4);
            }
            // and it moves the sample: an inverse step is not the identity
            assertTrue(Fixtures.maxAbsDiff(x, scheduler.inverseStep(eps, 501, x, STEPS)) > 1e-2);
        }
    }

    @Test
    void inverseStepFollowsTheReferenceNextStep() {
        DdimScheduler scheduler = tinySd();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray eps = manager.randomNormal(new Shape(1, 4, 8, 8));
            NDArray z = manager.randomNormal(new Shape(1, 4, 8, 8));
            int t = 21;
            double source = scheduler.alphaCumprod(1);
            double target = scheduler.alphaCumprod(21);
            NDArray original = z.sub(eps.mul(Math.sqrt(1 - source))).div(Math.sqrt(source));
            NDArray expected = original.mul(Math.sqrt(target)).add(eps.mul(Math.sqrt(1 - target)));
            Fixtures.assertMaxAbs("ddim inverse step t=21 (formula)", expected, scheduler.inverseStep(eps, t, z, STEPS),
                    1e-5);
            // the first inversion step starts from the final ᾱ
            double first = scheduler.finalAlphaCumprod();
            double at1 = scheduler.alphaCumprod(1);
            NDArray original1 = z.sub(eps.mul(Math.sqrt(1 - first))).div(Math.sqrt(first));
            NDArray expected1 = original1.mul(Math.sqrt(at1)).add(eps.mul(Math.sqrt(1 - at1)));
            Fixtures.assertMaxAbs("ddim inverse step t=1 (formula)", expected1, scheduler.inverseStep(eps, 1, z, STEPS),
                    1e-5);
        }
    }

    /** With x = √ᾱ·x0 + √(1−ᾱ)·ε and v = √ᾱ·ε − √(1−ᾱ)·x0, a v-prediction step lands on √ᾱ'·x0 + √(1−ᾱ')·ε. */
    @Test
    void vPredictionRecoversTheCleanSampleAndNoise() {
        DdimScheduler scheduler = DdimScheduler.of(config(TimestepSpacing.LEADING, PredictionType.V_PREDICTION));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(new Shape(1, 4, 8, 8));
            NDArray eps = manager.randomNormal(new Shape(1, 4, 8, 8));
            int t = 501;
            double a = scheduler.alphaCumprod(t);
            NDArray x = x0.mul(Math.sqrt(a)).add(eps.mul(Math.sqrt(1 - a)));
            NDArray v = eps.mul(Math.sqrt(a)).sub(x0.mul(Math.sqrt(1 - a)));
            Fixtures.assertMaxAbs("ddim v-prediction x0", x0, scheduler.predictOriginal(v, t, x), 1e-5);
            double previous = scheduler.alphaCumprod(scheduler.previousTimestep(t, STEPS));
            NDArray expected = x0.mul(Math.sqrt(previous)).add(eps.mul(Math.sqrt(1 - previous)));
            Fixtures.assertMaxAbs("ddim v-prediction step", expected, scheduler.step(v, t, x, STEPS), 1e-5);
        }
    }

    @Test
    void clipSampleClampsThePredictedOriginal() {
        DdimSchedulerConfig base = config(TimestepSpacing.LEADING, PredictionType.EPSILON);
        DdimSchedulerConfig clipping = new DdimSchedulerConfig(base.numTrainTimesteps(), base.betaStart(),
                base.betaEnd(), base.betaSchedule(), base.setAlphaToOne(), base.stepsOffset(), base.predictionType(),
                true, 0.5, base.timestepSpacing());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x0 = manager.randomNormal(new Shape(1, 4, 8, 8)).mul(3);
            NDArray eps = manager.randomNormal(new Shape(1, 4, 8, 8));
            DdimScheduler scheduler = DdimScheduler.of(clipping);
            int t = 501;
            double a = scheduler.alphaCumprod(t);
            NDArray x = x0.mul(Math.sqrt(a)).add(eps.mul(Math.sqrt(1 - a)));
            double previous = scheduler.alphaCumprod(scheduler.previousTimestep(t, STEPS));
            NDArray expected = x0.clip(-0.5, 0.5).mul(Math.sqrt(previous)).add(eps.mul(Math.sqrt(1 - previous)));
            Fixtures.assertMaxAbs("ddim clipped step", expected, scheduler.step(eps, t, x, STEPS), 1e-5);
        }
    }

    /** Reference lists from numpy, computed the way diffusers' set_timesteps does. */
    @Test
    void otherSpacingsMatchDiffusers() {
        int[] trailing = DdimScheduler.of(config(TimestepSpacing.TRAILING, PredictionType.EPSILON)).timesteps(50);
        assertEquals(50, trailing.length);
        assertArrayEquals(new int[] {999, 979, 959, 939, 919}, java.util.Arrays.copyOf(trailing, 5));
        assertEquals(19, trailing[49]);
        assertArrayEquals(new int[] {999, 888, 777, 666, 555, 444, 333, 222, 111, 0},
                DdimScheduler.of(config(TimestepSpacing.LINSPACE, PredictionType.EPSILON)).timesteps(10));
        // 61 trailing steps: numpy's arange has a spurious 62nd entry (−1); the first 61 are kept
        int[] sixtyOne = DdimScheduler.of(config(TimestepSpacing.TRAILING, PredictionType.EPSILON)).timesteps(61);
        assertEquals(61, sixtyOne.length);
        assertEquals(15, sixtyOne[60]);
    }

    @Test
    void otherBetaSchedulesAreMonotone() {
        for (BetaSchedule schedule : new BetaSchedule[] {BetaSchedule.LINEAR, BetaSchedule.SQUAREDCOS_CAP_V2}) {
            DdimScheduler scheduler = DdimScheduler.of(new DdimSchedulerConfig(1000, 0.0001, 0.02, schedule, true, 0,
                    PredictionType.EPSILON, false, 1.0, TimestepSpacing.LEADING));
            assertTrue(scheduler.alphaCumprod(0) < 1 && scheduler.alphaCumprod(0) > 0.99, schedule.name());
            for (int t = 1; t < 1000; t++) {
                assertTrue(scheduler.alphaCumprod(t) < scheduler.alphaCumprod(t - 1), schedule + " at " + t);
            }
            assertEquals(1.0, scheduler.finalAlphaCumprod(), 0.0);
        }
        // linear: ᾱ_0 = 1 − beta_start
        DdimScheduler linear = DdimScheduler.of(new DdimSchedulerConfig(1000, 0.0001, 0.02, BetaSchedule.LINEAR, true, 0,
                PredictionType.EPSILON, false, 1.0, TimestepSpacing.LEADING));
        assertEquals(1 - 0.0001, linear.alphaCumprod(0), 1e-7);
    }

    @Test
    void readsAPndmConfigAsSd1xHubsShipIt() throws IOException {
        Path root = tmp.resolve("snapshot");
        Files.createDirectories(root.resolve("scheduler"));
        Files.writeString(root.resolve("model_index.json"), "{\"_class_name\": \"StableDiffusionPipeline\"}");
        Files.writeString(root.resolve("scheduler/scheduler_config.json"), SD15_PNDM);
        DdimScheduler scheduler = DdimScheduler.load(Snapshot.open(root));
        DdimSchedulerConfig config = scheduler.config();
        assertEquals(BetaSchedule.SCALED_LINEAR, config.betaSchedule());
        assertEquals(1, config.stepsOffset());
        assertFalse(config.setAlphaToOne());
        assertFalse(config.clipSample(), "a PNDM file says nothing about clipping: DDIM must not clip");
        assertEquals(PredictionType.EPSILON, config.predictionType());
        assertEquals(TimestepSpacing.LEADING, config.timestepSpacing());
        assertArrayEquals(tinySd().timesteps(STEPS), scheduler.timesteps(STEPS));
        assertEquals(tinySd().alphaCumprod(500), scheduler.alphaCumprod(500), 0.0);
    }

    @Test
    void ddimDefaultsApplyToADdimFile() {
        DdimSchedulerConfig config = DdimSchedulerConfig.from(JsonConfig.parse("scheduler_config.json",
                "{\"_class_name\": \"DDIMScheduler\"}"));
        assertTrue(config.clipSample());
        assertTrue(config.setAlphaToOne());
        assertEquals(BetaSchedule.LINEAR, config.betaSchedule());
        assertEquals(0, config.stepsOffset());
    }

    @Test
    void unsupportedOptionsAreRefusedByName() {
        String[][] cases = {
            {"\"thresholding\": true", "thresholding"},
            {"\"rescale_betas_zero_snr\": true", "rescale_betas_zero_snr"},
            {"\"trained_betas\": [0.1, 0.2]", "trained_betas"},
            {"\"prediction_type\": \"sample\"", "prediction_type"},
            {"\"timestep_spacing\": \"karras\"", "timestep_spacing"},
        };
        for (String[] c : cases) {
            String json = SD15_PNDM.replace("\"trained_betas\": null", c[0]);
            WeightLoadException e = assertThrows(WeightLoadException.class,
                    () -> DdimSchedulerConfig.from(JsonConfig.parse("scheduler_config.json", json)));
            System.out.println("refused as expected: " + e.getMessage());
            assertTrue(e.getMessage().contains(c[1]), e.getMessage());
        }
        WeightLoadException schedule = assertThrows(WeightLoadException.class, () -> DdimSchedulerConfig.from(
                JsonConfig.parse("scheduler_config.json", SD15_PNDM.replace("scaled_linear", "sigmoid"))));
        assertTrue(schedule.getMessage().contains("beta_schedule") && schedule.getMessage().contains("sigmoid"));
    }

    @Test
    void badStepCountsAndTimestepsAreRefused() {
        DdimScheduler scheduler = tinySd();
        assertThrows(IllegalArgumentException.class, () -> scheduler.timesteps(0));
        assertThrows(IllegalArgumentException.class, () -> scheduler.timesteps(1001));
        // 1000 leading steps with offset 1 would need timestep 1000
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scheduler.timesteps(1000));
        assertTrue(e.getMessage().contains("1000"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> scheduler.alphaCumprod(1000));
    }
}
