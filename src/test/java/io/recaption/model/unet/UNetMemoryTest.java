package io.recaption.model.unet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import io.recaption.model.weights.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A long run of forward passes, each in its own scope, must not grow the process step by step: neither
 * libtorch's memory (activations left attached to a long-lived manager) nor the weights' manager (arrays
 * created in it by forward code that calls ops on a weight).
 */
@Tag("unit")
class UNetMemoryTest {

    private static final int PASSES = 200;
    private static final int WARM_UP = 20;
    /** Far above allocator noise, far below what 180 leaked passes of the tiny UNet would hold. */
    private static final long MAX_GROWTH_KB = 64 * 1024;

    @Test
    void twoHundredForwardPassesDoNotGrowTheProcess() throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> cases = Fixtures.cases(manager);
            NDArray sample = cases.get("unet.sample");
            NDArray context = cases.get("unet.encoder_hidden_states");
            UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(Fixtures.tinySd()), manager);
            int weightArraysAfterLoad = unet.manager().getManagedArrays().size();
            int managerArrays = manager.getManagedArrays().size();

            long warmRss = 0;
            int weightArraysWarm = 0;
            for (int pass = 1; pass <= PASSES; pass++) {
                try (NDManager step = manager.newSubManager()) {
                    NDArray out = unet.forward(step.create(sample.toFloatArray(), sample.getShape()), 1000 - 5 * pass,
                            step.create(context.toFloatArray(), context.getShape()));
                    out.sum().getFloat();
                }
                if (pass == WARM_UP) {
                    System.gc();
                    warmRss = residentKb();
                    weightArraysWarm = unet.manager().getManagedArrays().size();
                }
            }
            System.gc();
            long endRss = residentKb();
            int weightArraysEnd = unet.manager().getManagedArrays().size();
            System.out.printf("memory: VmRSS after %d passes %,d kB, after %d passes %,d kB, growth %,d kB; "
                            + "weight manager arrays %d after loading, %d after warm-up, %d at the end%n",
                    WARM_UP, warmRss, PASSES, endRss, endRss - warmRss, weightArraysAfterLoad, weightArraysWarm,
                    weightArraysEnd);
            // The first passes add GroupNorm's per-size constants to the weights' manager, and nothing after.
            assertEquals(weightArraysWarm, weightArraysEnd, "arrays were added to the weights' manager by forward passes");
            assertEquals(managerArrays, manager.getManagedArrays().size() - (weightArraysEnd - weightArraysAfterLoad),
                    "every step's arrays were freed with its scope");
            assertTrue(endRss - warmRss < MAX_GROWTH_KB, "resident memory grew by " + (endRss - warmRss) + " kB");
        }
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
