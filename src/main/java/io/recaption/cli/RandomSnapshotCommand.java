package io.recaption.cli;

import io.recaption.lab.snapshots.RandomSnapshot;
import io.recaption.lab.snapshots.RandomXlSnapshot;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code random-snapshot}: write a seeded random-weight SD 1.x- or SDXL-shaped diffusers snapshot (benchmarks, tests). */
@Command(name = "random-snapshot", mixinStandardHelpOptions = true,
        description = "Write a Stable Diffusion 1.x-shaped diffusers snapshot with seeded random weights:"
                + " 'mid' is the inversion benchmark's model (UNet (64,128,256,256), 8 heads, context 256,"
                + " 4-layer text encoder, 256×256 images), 'tiny' the reference fixture's sizes, 'sd15' SD 1.5's;"
                + " 'sdxl' an SDXL base 1.0-shaped snapshot in the published layout (2.6 B-parameter UNet, 1024² images,"
                + " about 13 GB in float32), 'tiny-sdxl' the SDXL fixture's sizes.")
public class RandomSnapshotCommand implements Callable<Integer> {

    @Option(names = "--preset", defaultValue = "mid", description = "mid | tiny | sd15 | shapes | sdxl | tiny-sdxl (default: ${DEFAULT-VALUE})")
    String preset;

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        if (RandomXlSnapshot.Preset.has(preset)) {
            RandomXlSnapshot.write(out, RandomXlSnapshot.Preset.named(preset), seed);
        } else {
            RandomSnapshot.write(out, RandomSnapshot.Preset.named(preset), seed);
        }
        System.out.printf("wrote %s snapshot (seed %d) to %s in %.1f s%n", preset, seed, out.toAbsolutePath(),
                (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
