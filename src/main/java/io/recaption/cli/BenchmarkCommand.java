package io.recaption.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.editing.EditSettings;
import io.recaption.inversion.InversionMethod;
import io.recaption.inversion.InversionSettings;
import io.recaption.model.nn.HostMemory;
import io.recaption.model.nn.ProcessMemory;
import io.recaption.model.nn.Scope;
import io.recaption.pipeline.Recaptioner;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Times Stable Diffusion's components as one null-text inversion step calls them (batch 1), warm: the text
 * encoder on one caption, the VAE encoder on one image, one UNet forward, one UNet forward and backward to the
 * text context (the weights need no gradient), the VAE decoder on one latent; then, optionally, one whole
 * {@code invert} and one {@code edit} through the pipeline users run. {@code bench/components.py} times the same
 * calls with diffusers on the same snapshot and, given this command's {@code --json}, prints the ratios.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Time each Stable Diffusion component (and optionally one whole invert and edit).")
public class BenchmarkCommand implements Callable<Integer> {

    /** The calls timed, in the order run; the names are the JSON keys bench/components.py writes too. */
    enum Component {
        TEXT_ENCODER("text-encoder"),
        VAE_ENCODE("vae-encode"),
        UNET_FORWARD("unet-forward"),
        UNET_FORWARD_BACKWARD("unet-forward-backward"),
        VAE_DECODE("vae-decode");

        final String key;

        Component(String key) {
            this.key = key;
        }
    }

    private static final String CAPTION = "a cat sitting next to a mirror";
    private static final float TIMESTEP = 501;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "diffusers Stable Diffusion snapshot folder")
    Path model;

    @Mixin
    PrecisionOption dtype = new PrecisionOption();

    @Option(names = "--size", description = "image side in pixels, a multiple of 8 (default: the model's)")
    Integer size;

    @Option(names = "--iterations", defaultValue = "5", description = "timed calls of each (default ${DEFAULT-VALUE})")
    int iterations;

    @Option(names = "--warmup", defaultValue = "1", description = "untimed calls first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--skip", split = ",", description = "components not to time: text-encoder, vae-encode, "
            + "unet-forward, unet-forward-backward, vae-decode")
    List<String> skip = List.of();

    @Option(names = "--whole", description = "also time one whole invert and one edit (null-text, --steps and"
            + " --inner-steps) on --image, or on a seeded noise image")
    boolean whole;

    @Option(names = "--image", description = "the photo for --whole (default: seeded noise of the model's size)")
    Path image;

    @Option(names = "--steps", defaultValue = "2", description = "DDIM steps of --whole (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--inner-steps", defaultValue = "1",
            description = "null-text iterations per step of --whole (default ${DEFAULT-VALUE})")
    int innerSteps;

    @Option(names = "--json", description = "also write the figures to this file (read by bench/components.py)")
    Path json;

    @Override
    public Integer call() throws IOException {
        if (iterations < 1 || warmup < 0) {
            throw new ParameterException(spec.commandLine(), "--iterations must be at least 1 and --warmup at least 0");
        }
        if (size != null && (size < 8 || size % 8 != 0)) {
            throw new ParameterException(spec.commandLine(), "--size must be a positive multiple of 8, got " + size);
        }
        List<String> known = Arrays.stream(Component.values()).map(c -> c.key).toList();
        for (String name : skip) {
            if (!known.contains(name)) {
                throw new ParameterException(spec.commandLine(), "--skip: unknown component '" + name + "': use "
                        + String.join(", ", known));
            }
        }
        Arguments.existingFolder("--model", model, Arguments.MODEL_HINT);
        PrintWriter out = spec.commandLine().getOut();
        Engine engine = Engine.getInstance();
        engine.setRandomSeed(0);
        long loadStart = System.nanoTime();
        try (StableDiffusion sd = StableDiffusion.load(model, dtype.precision());
                NDManager inputs = NDManager.newBaseManager()) {
            double loadMs = millisSince(loadStart);
            int side = size != null ? size : sd.imageSize();
            int latent = side / sd.vae().downscaleFactor();
            out.printf("benchmark %s: %s, image %d², latent %d², batch 1, %s %s, loaded in %.0f ms; %d warm-up + %d"
                    + " timed calls each%n", model, dtype.precision(), side, latent, engine.getEngineName(),
                    engine.getVersion(), loadMs, warmup, iterations);
            out.printf("host memory: %s%n", HostMemory.applied());
            long loadedPeak = ProcessMemory.peakResidentMegabytes();
            out.printf("peak RSS after loading %d MiB%n", loadedPeak);
            out.flush();

            Caption caption = Caption.of(sd.tokenizer(), CAPTION, false);
            NDArray pixels = inputs.randomUniform(-1f, 1f, new Shape(1, 3, side, side));
            NDArray latents = inputs.randomNormal(new Shape(1, sd.unet().config().inChannels(), latent, latent));
            NDArray context = sd.encodeIds(List.of(caption.ids()), inputs);
            NDArray weights = inputs.randomNormal(new Shape(1, sd.unet().config().outChannels(), latent, latent));

            // every call works on scope-owned views of the inputs, so whatever it makes is freed after it
            Map<Component, Consumer<Scope>> calls = new LinkedHashMap<>();
            calls.put(Component.TEXT_ENCODER,
                    s -> sd.encodeIds(List.of(caption.ids()), s.manager()).sum().getFloat());
            // the VAE through StableDiffusion, as the pipeline calls it: with the heap given back around it
            calls.put(Component.VAE_ENCODE, s -> sd.encode(s.enter(pixels)).sum().getFloat());
            calls.put(Component.UNET_FORWARD,
                    s -> sd.unet().forward(s.enter(latents), TIMESTEP, s.enter(context)).sum().getFloat());
            calls.put(Component.UNET_FORWARD_BACKWARD, s -> {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray c = s.enter(context).duplicate();
                    c.setRequiresGradient(true);
                    NDArray prediction = sd.unet().forward(s.enter(latents), TIMESTEP, c);
                    collector.backward(prediction.mul(s.enter(weights)).sum());
                    c.getGradient().sum().getFloat();
                }
            });
            calls.put(Component.VAE_DECODE, s -> sd.decode(s.enter(latents)).sum().getFloat());

            Map<String, Object> figures = new LinkedHashMap<>();
            for (Map.Entry<Component, Consumer<Scope>> call : calls.entrySet()) {
                if (skip.contains(call.getKey().key)) {
                    continue;
                }
                double[] millis = time(inputs, call.getValue());
                double median = median(millis);
                double min = Arrays.stream(millis).min().orElseThrow();
                // the process's peak so far: its rise over the previous line is what this component needed beyond
                // what was already resident (freed memory stays mapped for reuse, except around VAE calls, which
                // give it back: see HostMemory)
                long peakSoFar = ProcessMemory.peakResidentMegabytes();
                out.printf("%-24s median %10.1f ms   min %10.1f ms   peak RSS so far %6d MiB (now %d)%n",
                        call.getKey().key, median, min, peakSoFar, ProcessMemory.residentMegabytes());
                out.flush();
                figures.put(call.getKey().key, Map.of("median_ms", median, "min_ms", min,
                        "peak_rss_so_far_mib", peakSoFar));
            }

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("implementation", "recaption");
            result.put("dtype", dtype.precision().label());
            result.put("size", side);
            result.put("host_memory", HostMemory.applied());
            result.put("peak_rss_after_loading_mib", loadedPeak);
            result.put("components", figures);
            if (whole) {
                result.put("whole", whole(sd, side, out));
            }
            long peak = ProcessMemory.peakResidentMegabytes();
            out.printf("peak RSS %d MiB%n", peak);
            result.put("peak_rss_mib", peak);
            if (json != null) {
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), result);
            }
        }
        return 0;
    }

    /** One invert and one edit of it, through the pipeline's own API, in a temporary folder. */
    private Map<String, Object> whole(StableDiffusion sd, int side, PrintWriter out) throws IOException {
        byte[] photo = image != null
                ? Files.readAllBytes(Arguments.existingFile("--image", image, "the photo to invert"))
                : noisePng(sd.imageSize());
        Path folder = Files.createTempDirectory("recaption-benchmark");
        try {
            Recaptioner recaptioner = new Recaptioner(sd, ImageFiles.Limits.defaults());
            InversionSettings settings = InversionSettings.defaults().withMethod(InversionMethod.NULL_TEXT)
                    .withSteps(steps).withInnerSteps(innerSteps);
            long start = System.nanoTime();
            recaptioner.invert(photo, CAPTION, settings, folder.resolve("inversion"), ProgressListener.NONE);
            double invertS = millisSince(start) / 1000;
            start = System.nanoTime();
            recaptioner.edit(folder.resolve("inversion"), new Recaptioner.EditRequest(
                    "a dog sitting next to a mirror", Map.of(), List.of("dog")), EditSettings.defaults(),
                    folder.resolve("edit.png"), ProgressListener.NONE);
            double editS = millisSince(start) / 1000;
            out.printf("whole invert (null-text, %d steps × %d inner) %.1f s; edit (word swap + LocalBlend) %.1f s%n",
                    steps, innerSteps, invertS, editS);
            out.flush();
            return Map.of("steps", steps, "inner_steps", innerSteps, "invert_s", invertS, "edit_s", editS);
        } finally {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** A seeded noise photo of the model's size: the timing of an inversion does not depend on the picture. */
    private static byte[] noisePng(int side) throws IOException {
        BufferedImage picture = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(0);
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                picture.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(picture, "png", png);
        return png.toByteArray();
    }

    /** Each call in its own scope, so that nothing a call makes outlives it. */
    private double[] time(NDManager inputs, Consumer<Scope> call) {
        for (int i = 0; i < warmup; i++) {
            try (Scope scope = Scope.below(inputs)) {
                call.accept(scope);
            }
        }
        double[] millis = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            try (Scope scope = Scope.below(inputs)) {
                long start = System.nanoTime();
                call.accept(scope);
                millis[i] = millisSince(start);
            }
        }
        return millis;
    }

    private static double median(double[] millis) {
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static double millisSince(long start) {
        return (System.nanoTime() - start) / 1e6;
    }
}
