package io.recaption.cli;

import io.recaption.diffusion.StableDiffusion;
import io.recaption.lab.evaluation.CaptioningEvaluation;
import io.recaption.lab.evaluation.EvaluationSettings;
import io.recaption.lab.evaluation.MethodComparison;
import io.recaption.lab.evaluation.QualityEvaluation;
import io.recaption.lab.evaluation.QualityReport;
import io.recaption.model.blip.BlipCaptioner;
import io.recaption.model.nn.ProcessMemory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code evaluate}: the quality table of a shapes-world model (by default the bundled one), measured with
 * the world's analytic detectors.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Measure a shapes-world model on fresh scenes: reconstruction PSNR/SSIM (vae, ddim, negativePrompt,"
                + " direct, nullText, globalNullText) and caption edits (colour, shape and background swaps, an added"
                + " size word, emphasis) from each inversion, judged by the analytic detectors, and what each inversion costs"
                + " (UNet forward and backward passes, seconds, peak RSS). --seeds runs several seeds and writes"
                + " methods.md, the per-method table with each figure's spread over the seeds."
                + " With a captioner (by default the bundled one): how often it names each input right, and the whole"
                + " chain (its caption inverted, a colour swap on its words). --captioning-only measures the captioner"
                + " alone. Prints the table and writes quality.md, quality.json and contact-sheet.png into --out.")
public class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model",
            description = "a shapes-world diffusers snapshot (64×64 images), e.g. the train command's OUT/model"
                    + " (default: the bundled model, target/shapes-model)")
    Path model;

    @Mixin
    PrecisionOption dtype = new PrecisionOption();

    @Option(names = "--captioner",
            description = "a BLIP snapshot of the shapes world (default: the bundled captioner, target/shapes-captioner,"
                    + " when present)")
    Path captioner;

    @Option(names = "--no-captioner", description = "leave the captioning rows out")
    boolean noCaptioner;

    @Option(names = "--captioning-only",
            description = "only caption --images fresh scenes with the captioner and print how often it is right")
    boolean captioningOnly;

    @Option(names = "--out", description = "folder for quality.md, quality.json, contact-sheet.png (required but with"
            + " --captioning-only)")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the scenes and edits (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--seeds", split = ",", description = "several seeds (e.g. 1,2): each evaluated into --out/seed-N,"
            + " then the per-method table pooled over them with each figure's per-seed range, in --out/methods.md and"
            + " methods.json (replaces --seed)")
    List<Long> seeds = List.of();

    @Option(names = "--readme", description = "with --seeds: also replace the generated per-method block of this"
            + " markdown file (between its marker lines) with the table")
    Path readme;

    @Option(names = "--images", defaultValue = "50", description = "scenes to evaluate (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--steps", defaultValue = "20", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--inner-steps", defaultValue = "5",
            description = "null-text Adam steps per timestep (default: ${DEFAULT-VALUE})")
    int innerSteps;

    @Override
    public Integer call() throws Exception {
        Path captionerDir = noCaptioner ? null : captioner != null ? captioner : BundledCaptioner.folder();
        if (captioningOnly) {
            return captioningOnly(captionerDir);
        }
        if (out == null) {
            System.err.println("evaluate: --out is required");
            return 2;
        }
        if (captionerDir != null && captioner == null && !Files.isDirectory(captionerDir)) {
            System.err.println("evaluate: no bundled captioner at " + captionerDir + ": the captioning rows are left out");
            captionerDir = null;
        }
        EvaluationSettings settings = EvaluationSettings.defaults().withSeed(seed).withImages(images).withSteps(steps)
                .withInnerSteps(innerSteps);
        Path modelDir = model != null ? model : BundledModel.folder();
        if (!Files.isDirectory(modelDir)) {
            System.err.println("evaluate: no model at " + modelDir + " (run `mvn package` first, or pass --model DIR)");
            return 2;
        }
        if (readme != null && (seeds.isEmpty() || !Files.isRegularFile(readme))) {
            System.err.println("evaluate: --readme needs --seeds and an existing markdown file");
            return 2;
        }
        List<Long> runs = seeds.isEmpty() ? List.of(seed) : seeds;
        List<QualityReport> reports = new ArrayList<>();
        try (StableDiffusion loaded = StableDiffusion.load(modelDir, dtype.precision());
                BlipCaptioner blip = captionerDir == null ? null : BlipCaptioner.load(captionerDir)) {
            for (long run : runs) {
                QualityEvaluation evaluation;
                try {
                    evaluation = new QualityEvaluation(loaded, settings.withSeed(run), blip);
                } catch (IllegalArgumentException e) {
                    System.err.println("evaluate: " + e.getMessage());
                    return 2;
                }
                QualityReport report = evaluation.run(System.out::println);
                Path folder = seeds.isEmpty() ? out : out.resolve("seed-" + run);
                report.write(folder);
                if (seeds.isEmpty()) {
                    System.out.println();
                    System.out.print(report.toMarkdown());
                }
                System.out.printf("%nwrote %s (quality.md, quality.json, contact-sheet.png)%n", folder.toAbsolutePath());
                reports.add(report);
            }
        }
        if (!seeds.isEmpty()) {
            MethodComparison comparison = new MethodComparison(reports);
            comparison.write(out);
            System.out.println();
            System.out.print(comparison.toMarkdown());
            System.out.printf("%nwrote %s (methods.md, methods.json)%n", out.toAbsolutePath());
            if (readme != null) {
                Files.writeString(readme, comparison.replaceBlock(Files.readString(readme)));
                System.out.printf("replaced the per-method table in %s%n", readme.toAbsolutePath());
            }
        }
        // the high-water mark is reset before each inversion (its own peak is measured): the largest of those and
        // of the stretch since the last one is the run's
        long peak = Math.max(ProcessMemory.peakResidentMegabytes(), reports.stream()
                .flatMap(r -> QualityReport.INVERSIONS.stream().map(r::cost)).mapToLong(QualityReport.Cost::peakRssMb)
                .max().orElse(-1));
        System.out.printf("peak RSS %d MB%n", peak);
        return 0;
    }

    private int captioningOnly(Path captionerDir) {
        if (captionerDir == null || !Files.isDirectory(captionerDir)) {
            System.err.println("evaluate: --captioning-only needs a captioner (none at " + captionerDir + ")");
            return 2;
        }
        long start = System.nanoTime();
        try (BlipCaptioner blip = BlipCaptioner.load(captionerDir)) {
            List<CaptioningEvaluation.Reading> readings = CaptioningEvaluation.measure(blip, seed, images,
                    System.out::println);
            System.out.printf("%ncaptioner %s, %d fresh scenes (seed %d), greedy; %.1f s%n%n", blip.identity(), images,
                    seed, (System.nanoTime() - start) / 1e9);
            System.out.print(CaptioningEvaluation.table(CaptioningEvaluation.rates(readings)));
        }
        return 0;
    }
}
