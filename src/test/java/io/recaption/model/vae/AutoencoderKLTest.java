package io.recaption.model.vae;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.Fixtures;
import io.recaption.model.weights.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The VAE against diffusers' AutoencoderKL on the tiny SD snapshot (reference README: max abs ≤ 1e-3). */
@Tag("conformance")
class AutoencoderKLTest {

    private static final double TOLERANCE = 1e-3;

    private static NDManager weightsManager;
    private static AutoencoderKL vae;

    @BeforeAll
    static void load() {
        weightsManager = NDManager.newBaseManager();
        vae = AutoencoderKL.load(Snapshot.open(Fixtures.tinySd()), weightsManager);
    }

    @AfterAll
    static void close() {
        weightsManager.close();
    }

    @Test
    void readsTheConfig() {
        AutoencoderKLConfig config = vae.config();
        assertEquals(4, config.latentChannels());
        assertEquals(0.18215, vae.scalingFactor(), 0.0);
        assertEquals(8, vae.downscaleFactor());
    }

    @Test
    void encodeMatchesDiffusers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray pixels = cases.get("vae.pixels");
            LatentDistribution latent = vae.encode(pixels);
            Fixtures.assertMaxAbs("vae.latent_mean", cases.get("vae.latent_mean"), latent.mean(), TOLERANCE);
            Fixtures.assertMaxAbs("vae.latent_logvar", cases.get("vae.latent_logvar"), latent.logvar(), TOLERANCE);
            // activations live in the input's manager, not in the weights' one
            assertSame(manager, latent.mean().getManager());
            assertSame(manager, latent.logvar().getManager());
        }
    }

    @Test
    void decodeMatchesDiffusers() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray decoded = vae.decode(cases.get("vae.latent_mean"));
            Fixtures.assertMaxAbs("vae.decoded", cases.get("vae.decoded"), decoded, TOLERANCE);
            assertSame(manager, decoded.getManager());
        }
    }

    @Test
    void forwardLeavesNothingInTheWeightsManagerOrTheInputsScope() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray latents = manager.randomNormal(new Shape(2, 4, 8, 8));
            // a first pass at this size fills GroupNorm's per-size constant cache (bounded, kept by design)
            try (NDManager warmUp = manager.newSubManager()) {
                vae.encode(vae.decode(warmUp.randomNormal(latents.getShape())));
            }
            int weightsBefore = weightsManager.getManagedArrays().size();
            int inputBefore = manager.getManagedArrays().size();
            NDArray decoded = vae.decode(latents);
            LatentDistribution encoded = vae.encode(decoded);
            assertEquals(weightsBefore, weightsManager.getManagedArrays().size(), "weights manager grew");
            // only the three results were added to the caller's manager: every intermediate was freed
            assertEquals(inputBefore + 3, manager.getManagedArrays().size(),
                    "intermediates left in the input's manager");
            assertEquals(new Shape(2, 3, 64, 64), decoded.getShape());
            assertEquals(new Shape(2, 4, 8, 8), encoded.mean().getShape());
            assertTrue(encoded.logvar().max().getFloat() <= 20f);
        }
    }
}
