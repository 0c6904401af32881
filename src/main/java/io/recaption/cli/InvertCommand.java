package io.recaption.cli;

import io.recaption.artifacts.ImageFiles;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.Recaptioner;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.inversion.InversionMethod;
import io.recaption.inversion.InversionSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code invert}: a photo and its caption → an inversion folder (the files the worker stores in S3). */
@Command(name = "invert", mixinStandardHelpOptions = true,
        description = "Invert a photo with its caption (DDIM inversion + null-text optimization) into a folder:"
                + " latents.safetensors, null-embeddings.safetensors, reconstruction.png, manifest.json (last).")
public class InvertCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "diffusers Stable Diffusion snapshot folder")
    Path model;

    @Option(names = "--image", required = true, description = "the photo (PNG, JPEG, BMP, GIF)")
    Path image;

    @Option(names = "--caption", required = true, description = "a caption describing the photo")
    String caption;

    @Option(names = "--steps", defaultValue = "50", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--guidance", defaultValue = "7.5", description = "guidance scale (default: ${DEFAULT-VALUE})")
    float guidance;

    @Option(names = "--inner-steps", defaultValue = "10",
            description = "Adam steps per timestep (per-step method) or passes (global) (default: ${DEFAULT-VALUE})")
    int innerSteps;

    @Option(names = "--early-stop", defaultValue = "1e-5",
            description = "early-stop loss ε; timestep i stops below ε + i·2e-5 (default: ${DEFAULT-VALUE})")
    double earlyStop;

    @Option(names = "--learning-rate", defaultValue = "0.01",
            description = "Adam learning rate at the first timestep, decayed by i/100 as the reference, held at a tenth"
                    + " from step 91 on so that it never reaches zero (default: ${DEFAULT-VALUE})")
    double learningRate;

    @Option(names = "--method", defaultValue = "null-text",
            description = "null-text | global-null-text | negative-prompt | direct (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--truncate-caption", description = "cut a caption longer than the text encoder's window"
            + " instead of refusing it (the manifest records the truncation)")
    boolean truncateCaption;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Override
    public Integer call() throws Exception {
        InversionSettings settings = new InversionSettings(InversionMethod.parse(method), steps, guidance, innerSteps,
                earlyStop, learningRate, truncateCaption);
        Arguments.existingFolder("--model", model, Arguments.MODEL_HINT);
        byte[] bytes = Files.readAllBytes(
                Arguments.existingFile("--image", image, "the photo to invert (PNG, JPEG, BMP or GIF)"));
        long loadStart = System.nanoTime();
        try (StableDiffusion sd = StableDiffusion.load(model)) {
            System.out.printf("model loaded in %.2f s (%d×%d images)%n", (System.nanoTime() - loadStart) / 1e9,
                    sd.imageSize(), sd.imageSize());
            Recaptioner recaptioner = new Recaptioner(sd, ImageFiles.Limits.defaults());
            InversionManifest manifest = recaptioner.invert(bytes, caption, settings, out,
                    new TerminalProgress(System.out));
            System.out.println(new String(Manifests.bytes(manifest), java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("inversion written to " + out.toAbsolutePath());
            System.out.println("peak resident memory: " + ProcessMemory.peakResidentMegabytes() + " MB");
        }
        return 0;
    }
}
