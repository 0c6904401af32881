package io.recaption.cli;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.model.blip.BlipCaptioner;
import io.recaption.model.blip.CaptionOptions;
import io.recaption.model.weights.WeightLoadException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code caption}: photos → captions with a BLIP snapshot, one {@code FILE<TAB>CAPTION} line per
 * image on stdout, in the order given. An image that cannot be read is reported on stderr and the
 * others are still captioned; the exit code is then 1.
 */
@Command(name = "caption", mixinStandardHelpOptions = true,
        description = "Caption photos with a BLIP captioning model (a Hugging Face snapshot folder such as"
                + " Salesforce/blip-image-captioning-base; by default the bundled shapes-world captioner): prints"
                + " FILE<TAB>CAPTION per image.")
public class CaptionCommand implements Callable<Integer> {

    @Option(names = "--model",
            description = "BLIP snapshot folder: config.json, model.safetensors, preprocessor_config.json,"
                    + " tokenizer.json or vocab.txt (default: the bundled shapes-world captioner,"
                    + " target/shapes-captioner)")
    Path model;

    @Option(names = "--image", required = true, arity = "1..*", description = "photos (PNG, JPEG, BMP, GIF)")
    List<Path> images;

    @Option(names = "--prompt", defaultValue = "",
            description = "text the caption continues, e.g. \"a picture of\" (default: none)")
    String prompt;

    @Option(names = "--max-tokens", defaultValue = "20",
            description = "tokens generated after the prompt at most (default: ${DEFAULT-VALUE})")
    int maxTokens;

    @Option(names = "--beams", defaultValue = "1", description = "1 = greedy, more = beam search (default: ${DEFAULT-VALUE})")
    int beams;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CaptionOptions options;
        try {
            options = new CaptionOptions(prompt, maxTokens, beams);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path modelDir = model != null ? model : BundledCaptioner.folder();
        if (model == null && !Files.isDirectory(modelDir)) {
            err.println("caption: no bundled captioner at " + modelDir + " (run `mvn package` first, or pass --model DIR)");
            err.flush();
            return 1;
        }
        BlipCaptioner captioner;
        try {
            captioner = BlipCaptioner.load(modelDir);
        } catch (WeightLoadException e) {
            err.println("caption: cannot load the model: " + e.getMessage());
            err.flush();
            return 1;
        }
        int failed = 0;
        try (captioner) {
            err.println("caption: model " + captioner.identity() + ", tokenizer " + captioner.tokenizer().kind());
            for (Path file : images) {
                BufferedImage image;
                try {
                    // EXIF orientation applied and alpha dropped, as for every photo the service reads
                    image = ImageFiles.decode(Files.readAllBytes(file), ImageFiles.Limits.defaults());
                } catch (IOException | InputRejectedException e) {
                    String reason = e instanceof NoSuchFileException ? "no such file" : e.getMessage();
                    err.println(file + ": cannot read the image: " + reason);
                    failed++;
                    continue;
                }
                out.println(file + "\t" + captioner.caption(image, options).text());
                out.flush();
            }
        }
        err.flush();
        return failed == 0 ? 0 : 1;
    }
}
