package io.recaption.inversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Whole inversions (DDIM inversion, per-step null-text optimization with gradients, reconstruction) in a
 * loop leave no arrays behind in the caller's or the model's managers, and resident memory flat.
 */
@Tag("unit")
class InversionMemoryTest {

    @Test
    void repeatedInversionsDoNotGrow() throws IOException {
        try (StableDiffusion model = StableDiffusion.load(Fixtures.tinySd());
                NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = Fixtures.cases(manager).get("vae.pixels");
            Caption caption = Caption.of(model.tokenizer(), "a cat sitting next to a mirror", false);
            InversionSettings settings = InversionSettings.defaults().withSteps(8).withInnerSteps(4);
            Inverter inverter = new Inverter(model);
            long rssAfterFirst = 0;
            int callerArrays = -1;
            int unetArrays = -1;
            int runs = 6;
            for (int run = 0; run < runs; run++) {
                try (NDManager scope = manager.newSubManager()) {
                    NDArray input = pixels.duplicate();
                    input.attach(scope);
                    Inverter.Inversion inversion = inverter.invert(input, caption, settings, ProgressListener.NONE);
                    assertEquals(8, inversion.innerStepsRun().length);
                    if (run == 0) {
                        callerArrays = scope.getManagedArrays().size();
                    } else {
                        assertEquals(callerArrays, scope.getManagedArrays().size(),
                                "an inversion leaves the same arrays in the caller's scope every time");
                    }
                }
                System.gc();
                if (run == 0) {
                    rssAfterFirst = residentKb();
                    unetArrays = model.unet().manager().getManagedArrays().size();
                }
            }
            long growth = residentKb() - rssAfterFirst;
            System.out.printf("inversion memory: VmRSS after 1 inversion %,d kB, after %d: growth %,d kB;"
                    + " %d arrays returned per inversion%n", rssAfterFirst, runs, growth, callerArrays);
            assertEquals(unetArrays, model.unet().manager().getManagedArrays().size(), "no arrays added to the weights");
            assertTrue(growth < 96 * 1024, "resident memory grew by " + growth + " kB over " + (runs - 1) + " inversions");
        }
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
