package io.recaption.cli;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.DiffusionModel;
import io.recaption.inversion.InversionMethod;
import io.recaption.inversion.InversionSettings;
import io.recaption.model.nn.ProcessMemory;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.PhotoCaptioner;
import io.recaption.pipeline.Recaptioner;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code invert}: a photo and its caption → an inversion folder (the files the worker stores in S3). Without
 * {@code --caption} a BLIP captioning model describes the photo first ({@code --captioner}, else the bundled one
 * where the build has it), the caption is shown on stderr and the manifest records it as the model's.
 */
@Command(name = "invert", mixinStandardHelpOptions = true,
        description = "Invert a photo with its caption (DDIM inversion + null-text optimization) into a folder:"
                + " latents.safetensors, null-embeddings.safetensors, reconstruction.png, manifest.json (last)."
                + " Without --caption, a captioning model writes the caption first.")
public class InvertCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "diffusers Stable Diffusion snapshot folder")
    Path model;

    @Mixin
    PrecisionOption dtype = new PrecisionOption();

    @Option(names = "--image", required = true, description = "the photo (PNG, JPEG, BMP, GIF)")
    Path image;

    @Option(names = "--caption", description = "a caption describing the photo (default: the captioning model's)")
    String caption;

    @Option(names = "--captioner", description = "BLIP snapshot folder that captions the photo when --caption is not"
            + " given (default: the bundled target/" + BundledCaptioner.FOLDER + " where the build has one)")
    Path captioner;

    /** The captioner used when neither option is given; a field so that a test can point it elsewhere. */
    Optional<Path> bundledCaptioner = BundledCaptioner.existing();

    @Spec
    CommandSpec spec;

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
        Optional<Path> captionerFolder = captionerFolder();
        byte[] bytes = Files.readAllBytes(
                Arguments.existingFile("--image", image, "the photo to invert (PNG, JPEG, BMP or GIF)"));
        InversionCaption inversionCaption = captionerFolder.isPresent()
                ? captionByModel(captionerFolder.get(), bytes) : InversionCaption.user(caption);
        long loadStart = System.nanoTime();
        try (DiffusionModel sd = DiffusionModel.load(model, dtype.precision())) {
            System.out.printf("model loaded in %.2f s (%d×%d images)%n", (System.nanoTime() - loadStart) / 1e9,
                    sd.imageSize(), sd.imageSize());
            Recaptioner recaptioner = new Recaptioner(sd, ImageFiles.Limits.defaults());
            InversionManifest manifest = recaptioner.invert(bytes, inversionCaption, settings, out,
                    new TerminalProgress(System.out));
            System.out.println(new String(Manifests.bytes(manifest), java.nio.charset.StandardCharsets.UTF_8));
            System.out.println("inversion written to " + out.toAbsolutePath());
            System.out.println("peak resident memory: " + ProcessMemory.peakResidentMegabytes() + " MB");
        }
        return 0;
    }

    /** The captioner to use: none when a caption is given; else --captioner, else the bundled one, else a refusal. */
    private Optional<Path> captionerFolder() {
        if (caption != null) {
            if (captioner != null) {
                throw new ParameterException(spec.commandLine(), "give either --caption or --captioner, not both");
            }
            return Optional.empty();
        }
        if (captioner != null) {
            return Optional.of(Arguments.existingFolder("--captioner", captioner, "give a BLIP snapshot folder"
                    + " (config.json, model.safetensors, preprocessor_config.json, tokenizer.json or vocab.txt)"));
        }
        return Optional.of(bundledCaptioner.orElseThrow(() -> new ParameterException(spec.commandLine(),
                "no caption: give --caption TEXT, or --captioner DIR (a BLIP snapshot folder) to caption the photo"
                        + " (this build has no bundled captioner at target/" + BundledCaptioner.FOLDER + ")")));
    }

    /** The captioning model's caption of the photo, shown on stderr before the long inversion starts. */
    private InversionCaption captionByModel(Path folder, byte[] photo) {
        long start = System.nanoTime();
        try (PhotoCaptioner photoCaptioner = PhotoCaptioner.load(folder, ImageFiles.Limits.defaults())) {
            InversionCaption made = photoCaptioner.caption(photo);
            PrintWriter err = spec.commandLine().getErr();
            err.printf("caption (from the model %s, %.1f s): \"%s\"%n", made.captioner(),
                    (System.nanoTime() - start) / 1e9, made.text());
            err.flush();
            return made;
        }
    }
}
