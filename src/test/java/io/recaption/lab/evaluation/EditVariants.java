package io.recaption.lab.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.editing.CaptionEdit;
import io.recaption.editing.EditSettings;
import io.recaption.editing.Editor;
import io.recaption.inversion.InversionSettings;
import io.recaption.inversion.Inverter;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.RgbImage;
import io.recaption.lab.shapes.SceneCheck;
import io.recaption.lab.shapes.SceneDetector;
import io.recaption.lab.shapes.Shape;
import io.recaption.lab.shapes.ShapeCheck;
import io.recaption.model.nn.Precision;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Variants of the two edits the table says do not work (issue 25), on the table's scenes and from their null-text
 * inversions, judged as the table judges them: the background swap with and without the shapes' words taken out of
 * its LocalBlend, and emphasis down made other ways than the colour word ×0 in cross-attention (in the text
 * encoder too, or by leaving the word out). Figures, printed; never asserted.
 *
 * <pre>mvn -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.recaption.lab.evaluation.EditVariants \
 *     -Dexec.args="target/shapes-model 20 11,12"</pre>
 * (arguments: the model, scenes per seed, seeds).
 */
public final class EditVariants {

    /** A way to make one edit of a scene. */
    record Variant(String name, EditKind kind, boolean inEncoder, Function<EditCase, CaptionEdit> edit) {}

    private EditVariants() {}

    public static void main(String[] args) throws Exception {
        Path modelDir = Path.of(args.length > 0 ? args[0] : "target/shapes-model");
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        List<Long> seeds = Arrays.stream((args.length > 2 ? args[2] : "11,12").split(",")).map(Long::parseLong).toList();
        List<Variant> variants = List.of(
                new Variant("background swap", EditKind.BACKGROUND_SWAP, false, e -> derive(e, List.of(), List.of())),
                new Variant("background swap, LocalBlend less the shapes' words", EditKind.BACKGROUND_SWAP, false,
                        e -> derive(e, e.blendWords(), e.blendExceptWords())),
                new Variant("emphasis down: colour word ×0, cross-attention only (the reference)",
                        EditKind.EMPHASIS_DOWN, false, e -> reweight(e, 0f, false)),
                new Variant("emphasis down: colour word ×0, in the text encoder too", EditKind.EMPHASIS_DOWN, true,
                        e -> reweight(e, 0f, false)),
                new Variant("emphasis down: colour word ×0.5, in the text encoder too", EditKind.EMPHASIS_DOWN, true,
                        e -> reweight(e, 0.5f, false)),
                new Variant("emphasis down: colour word ×−1, in the text encoder too", EditKind.EMPHASIS_DOWN, true,
                        e -> reweight(e, -1f, false)),
                new Variant("emphasis down: colour word left out of the caption", EditKind.EMPHASIS_DOWN, false,
                        EditVariants::leftOut));
        Map<String, double[]> sums = new LinkedHashMap<>();
        try (StableDiffusion model = StableDiffusion.load(modelDir, Precision.FLOAT32);
                NDManager base = NDManager.newBaseManager()) {
            for (long seed : seeds) {
                EvaluationSettings settings = EvaluationSettings.defaults().withSeed(seed).withImages(images);
                QualityEvaluation evaluation = new QualityEvaluation(model, settings);
                EditJudge judge = EditJudge.defaults();
                EditSettings editSettings = EditSettings.defaults().withGuidance(settings.guidance());
                InversionSettings inversion = InversionSettings.defaults().withSteps(settings.steps())
                        .withInnerSteps(settings.innerSteps()).withGuidance(settings.guidance());
                for (int i = 0; i < images; i++) {
                    RenderedScene scene = evaluation.scene(i);
                    RgbImage input = QualityEvaluation.input(scene);
                    try (NDManager manager = base.newSubManager()) {
                        NDArray pixels = ImageFiles.toPixels(scene.image().toBufferedImage(), model.imageSize(), manager);
                        Inverter.Inversion inverted = new Inverter(model).invert(pixels,
                                Caption.of(model.tokenizer(), scene.caption(), false),
                                QualityEvaluation.settingsOf(QualityReport.NULL_TEXT, inversion), ProgressListener.NONE);
                        List<EditCase> cases = evaluation.edits(i, scene);
                        for (Variant variant : variants) {
                            EditCase edit = cases.stream().filter(c -> c.kind() == variant.kind()).findFirst().orElseThrow();
                            NDArray latents = new Editor(model).edit(inverted.zT(), inverted.nullEmbeddings(),
                                    inverted.directOffsets(), variant.edit().apply(edit),
                                    editSettings.withEmphasisDownInEncoder(variant.inEncoder()),
                                    ProgressListener.NONE).latents();
                            RgbImage edited = RgbImage.of(ImageFiles.toImage(model.decode(latents.get("1:2"))));
                            latents.close();
                            SceneCheck check = SceneDetector.defaults().read(edited, edit.target());
                            double[] sum = sums.computeIfAbsent(variant.name(), k -> new double[5]);
                            sum[0] += judge.success(edit, edited) ? 1 : 0;
                            sum[1] += check.backgroundMatches() ? 1 : 0;
                            sum[2] += EditJudge.keptPsnr(edit, input, edited);
                            sum[3] += edit.shapeIndex() < 0 ? Double.NaN
                                    : EditJudge.colourShift(edit, check.shapes().get(edit.shapeIndex()));
                            sum[4]++;
                        }
                    }
                    System.out.printf(Locale.ROOT, "seed %d, scene %d/%d%n", seed, i + 1, images);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%d scenes (seeds %s), null-text inversions, %d steps × %d inner steps%n",
                images * seeds.size(), seeds, EvaluationSettings.defaults().steps(), EvaluationSettings.defaults().innerSteps());
        System.out.println("| variant | success | background reads as asked | kept PSNR (dB) | colour shift (RGB) |");
        System.out.println("| --- | --- | --- | --- | --- |");
        sums.forEach((name, s) -> System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %s |%n", name, s[0] / s[4],
                s[1] / s[4], s[2] / s[4], Double.isNaN(s[3]) ? "—" : String.format(Locale.ROOT, "%.2f", s[3] / s[4])));
    }

    private static CaptionEdit derive(EditCase edit, List<String> blend, List<String> subtract) {
        return CaptionEdit.derive(edit.source().caption(), edit.editedCaption(), edit.emphasis(), blend, subtract);
    }

    /** The caption unchanged, the colour word (and with {@code later}, every word after it) at {@code factor}. */
    private static CaptionEdit reweight(EditCase edit, float factor, boolean later) {
        String colour = edit.emphasis().keySet().iterator().next();
        Map<String, Float> emphasis = new LinkedHashMap<>();
        boolean after = false;
        for (String word : edit.source().caption().split(" ")) {
            after |= word.equals(colour);
            if (word.equals(colour) || (later && after)) {
                emphasis.put(word, factor);
            }
        }
        return CaptionEdit.derive(edit.source().caption(), edit.source().caption(), emphasis, List.of());
    }

    /** "a blue diamond above …" → "a diamond above …" (Refine): the caption no longer names the shape's colour. */
    private static CaptionEdit leftOut(EditCase edit) {
        String colour = edit.emphasis().keySet().iterator().next();
        Shape shape = edit.source().scene().shapes().get(edit.shapeIndex());
        List<String> words = new ArrayList<>(Arrays.asList(edit.source().caption().split(" ")));
        for (int w = 0; w + 1 < words.size(); w++) {
            // the grammar puts the colour right before the kind: "[size] colour kind"
            if (words.get(w).equals(colour) && words.get(w + 1).equals(shape.kind().word())) {
                words.remove(w);
                break;
            }
        }
        return CaptionEdit.derive(edit.source().caption(), String.join(" ", words), Map.of(), List.of());
    }
}
