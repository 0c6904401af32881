package io.recaption.lab.evaluation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.GuidedDenoiser;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.Sampler;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.diffusion.StepHook;
import io.recaption.editing.CaptionEdit;
import io.recaption.editing.EditSettings;
import io.recaption.editing.Editor;
import io.recaption.inversion.InversionMethod;
import io.recaption.inversion.InversionSettings;
import io.recaption.inversion.Inverter;
import io.recaption.lab.shapes.ImageQuality;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.RgbImage;
import io.recaption.lab.shapes.Scene;
import io.recaption.lab.shapes.SceneCheck;
import io.recaption.lab.shapes.SceneDetector;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import io.recaption.lab.shapes.ShapeCheck;
import io.recaption.lab.shapes.ShapeSize;
import io.recaption.model.blip.BlipCaptioner;
import io.recaption.model.blip.CaptionOptions;
import io.recaption.model.nn.Precision;
import io.recaption.model.nn.ProcessMemory;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The quality table of a shapes-world model (issue 6), measured with the world's analytic detectors
 * on fresh scenes drawn with the settings' seed.
 *
 * <p>Per image: the input is the scene's 8-bit rendering (exactly what the model is given).
 * Reconstructions: {@code vae} = decode(encode mean); {@code ddim} = DDIM inversion, then sampling
 * from z_T with the empty caption's embedding as ∅ at the guidance (null-text inversion with no inner
 * steps); {@code negativePrompt}, {@code direct}, {@code nullText}, {@code globalNullText} = the
 * {@link Inverter}'s methods, each timed and its UNet passes and peak memory recorded
 * ({@link QualityReport.Cost}). Edits ({@link EditKind}, derived by {@link EditCase}) are rendered by the
 * {@link Editor} from every inversion ({@link QualityReport#INVERSIONS}: what a user choosing a method gets), the
 * shape edits also with a LocalBlend on the shape's kind word(s), and
 * judged by the {@link EditJudge}.
 *
 * <p>Text to image: z_T drawn from a normal distribution seeded by the seed and the index, sampled
 * with the image's caption (∅ = the empty caption, the same guidance), read by the {@link SceneDetector}
 * against the caption's scene.
 *
 * <p>Captioning (with a captioner): the input captioned by it and read against the scene
 * ({@link CaptioningEvaluation}), and the whole chain on it ({@link CaptionChain}): its caption inverted
 * (null-text; the true caption's inversion reused when the caption is the true one), the table's colour swap
 * made on its words, judged as the table's colour swap.
 *
 * <p>Scenes: scene i of {@link SceneSampler} over the world's {@link SceneDistribution#defaults()};
 * when no shape of it is medium-sized, its first shape is made medium (the added-adjective edit needs
 * a medium shape; this slightly over-represents medium shapes).
 */
public final class QualityEvaluation {

    /**
     * Contact-sheet columns, in the order each row is filled: the input, every reconstruction, the null-text
     * edits without LocalBlend, the text-to-image sample.
     */
    public static final List<String> SHEET_LABELS = sheetLabels();

    /** Number of contact-sheet columns. */
    public static final int SHEET_COLUMNS = SHEET_LABELS.size();

    private static List<String> sheetLabels() {
        List<String> labels = new ArrayList<>();
        labels.add("input");
        labels.addAll(QualityReport.METHODS);
        for (EditKind kind : EditKind.values()) {
            labels.add(kind.key());
        }
        labels.add("textToImage");
        return List.copyOf(labels);
    }

    private final StableDiffusion model;
    private final EvaluationSettings settings;
    private final SceneRenderer renderer;
    private final EditJudge judge;
    private final BlipCaptioner captioner;

    public QualityEvaluation(StableDiffusion model, EvaluationSettings settings) {
        this(model, settings, null);
    }

    /** With a captioner (null for none): the table gains the captioning rows. */
    public QualityEvaluation(StableDiffusion model, EvaluationSettings settings, BlipCaptioner captioner) {
        this.model = model;
        this.captioner = captioner;
        this.settings = settings;
        this.renderer = new SceneRenderer(RenderSettings.defaults());
        this.judge = EditJudge.defaults();
        int world = renderer.settings().size();
        if (model.imageSize() != world) {
            throw new IllegalArgumentException("the model at " + model.folder() + " makes " + model.imageSize() + "×"
                    + model.imageSize() + " images, but the shapes world's are " + world + "×" + world
                    + ": evaluate needs a shapes-world model (train one with the train command)");
        }
    }

    /** The scene evaluated as image {@code index}. */
    public RenderedScene scene(long index) {
        Scene scene = new SceneSampler(SceneDistribution.defaults(), settings.seed()).scene(index);
        if (scene.shapes().stream().noneMatch(s -> s.size() == ShapeSize.MEDIUM)) {
            scene = scene.withShape(0, s -> s.withSize(ShapeSize.MEDIUM));
        }
        return renderer.render(scene);
    }

    /** The edits of image {@code index}, one per kind, chosen by a stream seeded by the seed and the index. */
    public List<EditCase> edits(long index, RenderedScene scene) {
        SplittableRandom random = new SplittableRandom(new SplittableRandom(settings.seed()).nextLong() ^ (index + 1)
                * 0x9E3779B97F4A7C15L);
        List<EditCase> cases = new ArrayList<>();
        for (EditKind kind : EditKind.values()) {
            cases.add(EditCase.derive(kind, scene, renderer, random));
        }
        return cases;
    }

    /** The scene's 8-bit rendering as the evaluation's input and reference. */
    public static RgbImage input(RenderedScene scene) {
        return RgbImage.of(scene.image().toBufferedImage());
    }

    /** PSNR and SSIM of a reconstruction against the input. */
    public static QualityReport.Score score(RgbImage input, RgbImage reconstruction) {
        return new QualityReport.Score(ImageQuality.psnr(input, reconstruction),
                ImageQuality.ssim(input, reconstruction));
    }

    /** Runs the whole evaluation; {@code log} gets one line per image. */
    public QualityReport run(Consumer<String> log) {
        long start = System.nanoTime();
        List<QualityReport.ImageResult> results = new ArrayList<>();
        List<List<BufferedImage>> sheet = new ArrayList<>();
        try (NDManager base = NDManager.newBaseManager()) {
            for (int i = 0; i < settings.images(); i++) {
                long imageStart = System.nanoTime();
                List<BufferedImage> row = new ArrayList<>();
                results.add(evaluate(i, base, row));
                if (i < settings.sheetRows()) {
                    sheet.add(row);
                }
                log.accept(String.format(java.util.Locale.ROOT, "image %d/%d: %.1f s  %s", i + 1, settings.images(),
                        (System.nanoTime() - imageStart) / 1e9, results.get(i).caption()));
            }
        }
        int cell = renderer.settings().size();
        // the precision is part of what was measured: the same model in bfloat16 gives other numbers
        String measured = shown(model.folder()) + (model.precision() == Precision.FLOAT32 ? "" : " in " + model.precision());
        return new QualityReport(settings, measured,
                captioner == null ? null : captioner.identity().toString(), (System.nanoTime() - start) / 1e9, results,
                ContactSheet.of(SHEET_LABELS, sheet, cell));
    }

    /**
     * The model's folder as the report names it: relative to the working directory when it lies below it, so that a
     * report committed with the project (README's tables) does not carry one machine's absolute path.
     */
    static String shown(Path folder) {
        Path here = Path.of("").toAbsolutePath();
        Path absolute = folder.toAbsolutePath().normalize();
        return absolute.startsWith(here) ? here.relativize(absolute).toString() : absolute.toString();
    }

    private QualityReport.ImageResult evaluate(long index, NDManager base, List<BufferedImage> row) {
        RenderedScene scene = scene(index);
        BufferedImage inputImage = scene.image().toBufferedImage();
        RgbImage input = RgbImage.of(inputImage);
        row.add(inputImage);
        Map<String, QualityReport.Score> reconstruction = new LinkedHashMap<>();
        Map<String, Map<String, QualityReport.EditOutcome>> edits = new LinkedHashMap<>();
        try (NDManager manager = base.newSubManager()) {
            NDArray pixels = ImageFiles.toPixels(inputImage, model.imageSize(), manager);
            Caption caption = Caption.of(model.tokenizer(), scene.caption(), false);
            Inverter inverter = new Inverter(model);
            InversionSettings inversion = inversionSettings();

            BufferedImage vae = ImageFiles.toImage(model.decode(model.encode(pixels)));
            reconstruction.put("vae", score(input, RgbImage.of(vae)));
            row.add(vae);

            Map<String, Inverter.Inversion> inversions = new LinkedHashMap<>();
            Map<String, QualityReport.Cost> costs = new LinkedHashMap<>();
            for (String method : QualityReport.INVERSIONS) {
                ProcessMemory.resetPeak();
                long invertStart = System.nanoTime();
                Inverter.Inversion result = inverter.invert(pixels, caption, settingsOf(method, inversion),
                        ProgressListener.NONE);
                costs.put(method, new QualityReport.Cost(result.unetEvaluations(), result.unetBackwards(),
                        (System.nanoTime() - invertStart) / 1e9, ProcessMemory.peakResidentMegabytes()));
                inversions.put(method, result);
            }
            inversions.forEach((method, result) -> {
                BufferedImage image = ImageFiles.toImage(model.decode(result.reconstructionLatent()));
                reconstruction.put(method, score(input, RgbImage.of(image)));
                row.add(image);
            });

            List<EditCase> cases = edits(index, scene);
            for (String source : QualityReport.INVERSIONS) {
                Map<String, QualityReport.EditOutcome> outcomes = new LinkedHashMap<>();
                for (EditCase edit : cases) {
                    for (boolean blend : List.of(false, true)) {
                        BufferedImage image = render(inverter, inversions.get(source), edit, blend);
                        outcomes.put(QualityReport.variant(edit.kind(), blend), judged(edit, input, RgbImage.of(image)));
                        if (source.equals(QualityReport.NULL_TEXT) && !blend) {
                            row.add(image);
                        }
                    }
                }
                edits.put(source, outcomes);
            }
            QualityReport.TextToImage textToImage = textToImage(index, scene, caption, manager, row);
            QualityReport.Captioning captioning = captioner == null ? null
                    : captioning(scene, inputImage, input, pixels, inverter, inversions.get(QualityReport.NULL_TEXT),
                            cases.stream().filter(e -> e.kind() == EditKind.COLOUR_SWAP).findFirst().orElseThrow());
            return new QualityReport.ImageResult(index, scene.caption(), reconstruction, costs, edits, textToImage,
                    captioning);
        }
    }

    /**
     * One edit of image {@code index} — the same scene and edit as in {@link #run} — from its null-text
     * inversion, judged as in the table (what the end-to-end semantic test re-runs on a few images).
     */
    public QualityReport.EditOutcome nullTextEdit(long index, EditKind kind, boolean blend) {
        RenderedScene scene = scene(index);
        BufferedImage inputImage = scene.image().toBufferedImage();
        RgbImage input = RgbImage.of(inputImage);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = ImageFiles.toPixels(inputImage, model.imageSize(), manager);
            Caption caption = Caption.of(model.tokenizer(), scene.caption(), false);
            Inverter inverter = new Inverter(model);
            Inverter.Inversion inversion = inverter.invert(pixels, caption,
                    inversionSettings().withMethod(InversionMethod.NULL_TEXT), ProgressListener.NONE);
            EditCase edit = edits(index, scene).stream().filter(e -> e.kind() == kind).findFirst().orElseThrow();
            return judged(edit, input, RgbImage.of(render(inverter, inversion, edit, blend)));
        }
    }

    /** The captioner's caption of the input, read against the scene, and the colour swap made on its words. */
    private QualityReport.Captioning captioning(RenderedScene scene, BufferedImage inputImage, RgbImage input,
            NDArray pixels, Inverter inverter, Inverter.Inversion trueInversion, EditCase colourSwap) {
        String said = captioner.caption(inputImage, CaptionOptions.defaults()).text();
        CaptioningEvaluation.Reading reading = CaptioningEvaluation.read(scene.scene(), said);
        Optional<CaptionChain.Swap> swap = CaptionChain.colourSwap(said, colourSwap);
        if (swap.isEmpty()) {
            return new QualityReport.Captioning(reading,
                    new QualityReport.EditOutcome(said, false, Double.NaN, Double.NaN));
        }
        String source = swap.get().source();
        Inverter.Inversion inversion = source.equals(scene.caption()) ? trueInversion
                : inverter.invert(pixels, Caption.of(model.tokenizer(), source, false),
                        inversionSettings().withMethod(InversionMethod.NULL_TEXT), ProgressListener.NONE);
        BufferedImage image = render(inverter, inversion, source, swap.get().edited(), Map.of(), List.of(),
                List.of());
        QualityReport.EditOutcome judged = judged(colourSwap, input, RgbImage.of(image));
        return new QualityReport.Captioning(reading, new QualityReport.EditOutcome(swap.get().edited(),
                judged.success(), judged.keptPsnr(), judged.keptSsim()));
    }

    /** The judge's verdict and the kept region's PSNR/SSIM of an edited image. */
    private QualityReport.EditOutcome judged(EditCase edit, RgbImage input, RgbImage edited) {
        return new QualityReport.EditOutcome(edit.editedCaption(), judge.success(edit, edited),
                EditJudge.keptPsnr(edit, input, edited), EditJudge.keptSsim(edit, input, edited));
    }

    /** The settings of one of {@link QualityReport#INVERSIONS}. */
    static InversionSettings settingsOf(String method, InversionSettings base) {
        return switch (method) {
            case "ddim" -> base.withMethod(InversionMethod.NULL_TEXT).withInnerSteps(0);
            case "negativePrompt" -> base.withMethod(InversionMethod.NEGATIVE_PROMPT);
            case "direct" -> base.withMethod(InversionMethod.DIRECT);
            case QualityReport.NULL_TEXT -> base.withMethod(InversionMethod.NULL_TEXT);
            case "globalNullText" -> base.withMethod(InversionMethod.GLOBAL_NULL_TEXT);
            default -> throw new IllegalArgumentException("no inversion method " + method);
        };
    }

    private InversionSettings inversionSettings() {
        return InversionSettings.defaults().withSteps(settings.steps()).withInnerSteps(settings.innerSteps())
                .withGuidance(settings.guidance());
    }

    /** Samples the caption from seeded noise and reads the sample against the caption's scene. */
    private QualityReport.TextToImage textToImage(long index, RenderedScene scene, Caption caption, NDManager manager,
            List<BufferedImage> row) {
        int latent = model.latentSize();
        int channels = model.unet().config().inChannels();
        float[] noise = new float[channels * latent * latent];
        SplittableRandom random = new SplittableRandom(settings.seed() * 0x9E3779B97F4A7C15L + index);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) random.nextGaussian();
        }
        NDArray start = manager.create(noise, new Shape(1, channels, latent, latent));
        NDArray cond = model.encodeIds(List.of(caption.ids()), manager);
        NDArray empty = model.encodeIds(List.of(model.tokenizer().encode("")), manager);
        NDArray nulls = empty.repeat(0, settings.steps());
        NDArray latents = new Sampler(new GuidedDenoiser(model.unet()), model.scheduler()).run(
                new Sampler.Request(start, cond, nulls, settings.guidance(), null, StepHook.NONE), ProgressListener.NONE);
        BufferedImage image = ImageFiles.toImage(model.decode(latents));
        row.add(image);
        SceneCheck check = SceneDetector.defaults().read(RgbImage.of(image), scene);
        return new QualityReport.TextToImage(check.matches(), check.backgroundMatches(),
                check.shapes().stream().allMatch(ShapeCheck::colourMatches),
                check.shapes().stream().allMatch(ShapeCheck::kindMatches));
    }

    /** The edited image (the second of the editor's [source, edited] batch). */
    private BufferedImage render(Inverter inverter, Inverter.Inversion inversion, EditCase edit, boolean blend) {
        return render(inverter, inversion, edit.source().caption(), edit.editedCaption(), edit.emphasis(),
                blend ? edit.blendWords() : List.of(), blend ? edit.blendExceptWords() : List.of());
    }

    private BufferedImage render(Inverter inverter, Inverter.Inversion inversion, String sourceCaption,
            String editedCaption, Map<String, Float> emphasis, List<String> blendWords, List<String> subtractWords) {
        CaptionEdit captionEdit = CaptionEdit.derive(sourceCaption, editedCaption, emphasis, blendWords,
                subtractWords);
        EditSettings editSettings = EditSettings.defaults().withGuidance(settings.guidance());
        NDArray latents = new Editor(model).edit(inversion.zT(), inversion.nullEmbeddings(), inversion.directOffsets(),
                captionEdit, editSettings, ProgressListener.NONE).latents();
        NDArray edited = latents.get("1:2");
        NDArray pixels = model.decode(edited);
        BufferedImage image = ImageFiles.toImage(pixels);
        pixels.close();
        edited.close();
        latents.close();
        return image;
    }
}
