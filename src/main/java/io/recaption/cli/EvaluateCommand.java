package io.recaption.cli;

import io.recaption.diffusion.StableDiffusion;
import io.recaption.lab.evaluation.EvaluationSettings;
import io.recaption.lab.evaluation.QualityEvaluation;
import io.recaption.lab.evaluation.QualityReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: the quality table of a shapes-world model (by default the bundled one), measured with
 * the world's analytic detectors.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a shapes-world model on fresh scenes: reconstruction PSNR/SSIM (vae, ddim, negativePrompt,"
                + " direct, nullText, globalNullText) and caption edits (colour, shape and background swaps, an added"
                + " size word, emphasis) from null-text and from plain DDIM inversion, judged by the analytic detectors."
                + " Prints the table and writes quality.md, quality.json and contact-sheet.png into --out.")
public class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model",
            description = "a shapes-world diffusers snapshot (64×64 images), e.g. the train command's OUT/model"
                    + " (default: the bundled model, target/shapes-model)")
    Path model;

    @Option(names = "--out", required = true, description = "folder for quality.md, quality.json, contact-sheet.png")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the scenes and edits (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--images", defaultValue = "50", description = "scenes to evaluate (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--steps", defaultValue = "20", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--inner-steps", defaultValue = "5",
            description = "null-text Adam steps per timestep (default: ${DEFAULT-VALUE})")
    int innerSteps;

    @Override
    public Integer call() throws Exception {
        EvaluationSettings settings = EvaluationSettings.defaults().withSeed(seed).withImages(images).withSteps(steps)
                .withInnerSteps(innerSteps);
        Path modelDir = model != null ? model : BundledModel.folder();
        if (!Files.isDirectory(modelDir)) {
            System.err.println("evaluate: no model at " + modelDir + " (run `mvn package` first, or pass --model DIR)");
            return 2;
        }
        QualityReport report;
        try (StableDiffusion loaded = StableDiffusion.load(modelDir)) {
            QualityEvaluation evaluation;
            try {
                evaluation = new QualityEvaluation(loaded, settings);
            } catch (IllegalArgumentException e) {
                System.err.println("evaluate: " + e.getMessage());
                return 2;
            }
            report = evaluation.run(System.out::println);
        }
        report.write(out);
        System.out.println();
        System.out.print(report.toMarkdown());
        System.out.printf("%nwrote %s (quality.md, quality.json, contact-sheet.png); peak RSS %d MB%n",
                out.toAbsolutePath(), ProcessMemory.peakResidentMegabytes());
        return 0;
    }
}
