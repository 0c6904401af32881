package io.recaption.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.recaption.model.unet.UNet2DConditionConfig;
import io.recaption.model.unet.UNet2DConditionModel;
import io.recaption.model.weights.Snapshot;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Times the UNet on random inputs: one forward without gradients (a sampling or inversion step) and one
 * forward plus backward to the text context (a null-text optimization step), each in its own scope.
 */
@Command(name = "unet-bench", mixinStandardHelpOptions = true,
        description = "Time one UNet forward and one forward+backward to the text context.")
public class UnetBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true,
            description = "diffusers snapshot folder (its unet/ is used), or a folder holding only a UNet")
    Path model;

    @Option(names = "--batch", defaultValue = "2", description = "batch size (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--iterations", defaultValue = "5", description = "timed runs of each (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "2", description = "untimed runs first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--height", description = "latent height (default: the config's sample_size)")
    Integer height;

    @Option(names = "--width", description = "latent width (default: the config's sample_size)")
    Integer width;

    @Option(names = "--tokens", defaultValue = "77",
            description = "context length, CLIP's 77 for Stable Diffusion (default ${DEFAULT-VALUE})")
    int tokens;

    @Option(names = "--timestep", defaultValue = "501", description = "timestep (default ${DEFAULT-VALUE})")
    float timestep;

    @Override
    public Integer call() {
        if (iterations < 1 || warmup < 0 || batch < 1 || tokens < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--iterations, --batch and --tokens must be at least 1 and --warmup at least 0");
        }
        PrintWriter out = spec.commandLine().getOut();
        Engine engine = Engine.getInstance();
        engine.setRandomSeed(0);
        try (NDManager weights = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            UNet2DConditionModel unet = UNet2DConditionModel.load(Snapshot.open(model), weights);
            double loadMs = millisSince(start);
            UNet2DConditionConfig config = unet.config();
            int h = height != null ? height : config.sampleSize();
            int w = width != null ? width : config.sampleSize();
            Shape sampleShape = new Shape(batch, config.inChannels(), h, w);
            Shape contextShape = new Shape(batch, tokens, config.crossAttentionDim().get(0));

            out.printf("unet-bench %s on %s (%s %s)%n", model, weights.getDevice(), engine.getEngineName(),
                    engine.getVersion());
            out.printf("parameters %,d, loaded in %.0f ms%n", unet.parameterCount(), loadMs);
            out.printf("latent %d×%d, batch %d, context %d×%d, timestep %s; %d warm-up + %d timed runs each%n",
                    h, w, batch, tokens, contextShape.get(2), timestep, warmup, iterations);
            out.flush();

            double[] forward = time(() -> {
                try (NDManager step = weights.newSubManager()) {
                    NDArray result = unet.forward(step.randomNormal(sampleShape), timestep, step.randomNormal(contextShape));
                    result.sum().getFloat(); // waits for the device
                }
            });
            report(out, "forward (no grad)", forward);

            double[] backward = time(() -> {
                try (NDManager step = weights.newSubManager();
                        GradientCollector collector = engine.newGradientCollector()) {
                    NDArray context = step.randomNormal(contextShape);
                    context.setRequiresGradient(true);
                    NDArray result = unet.forward(step.randomNormal(sampleShape), timestep, context);
                    collector.backward(result.mul(step.randomNormal(result.getShape())).sum());
                    context.getGradient().sum().getFloat();
                }
            });
            report(out, "forward+backward to context", backward);
        }
        return 0;
    }

    private double[] time(Runnable run) {
        for (int i = 0; i < warmup; i++) {
            run.run();
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            run.run();
            millis[i] = millisSince(start);
        }
        return millis;
    }

    private static void report(PrintWriter out, String what, double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        double median = sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        out.printf("%-30s median %9.1f ms   min %9.1f ms%n", what, median, sorted[0]);
        out.flush();
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
