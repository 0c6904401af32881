package io.recaption.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.artifacts.ImageFiles;
import io.recaption.artifacts.InversionFiles;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.DiffusionModel;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.Refusal;
import io.recaption.diffusion.XlTimeIds;
import io.recaption.editing.CaptionEdit;
import io.recaption.editing.EditSettings;
import io.recaption.editing.Editor;
import io.recaption.inversion.InversionSettings;
import io.recaption.inversion.Inverter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The product's two operations on files, shared by the command line and the worker: invert a photo
 * with its caption into an inversion folder, and render an edited caption from such a folder.
 * One model is loaded once and serves any number of both. Manifests are typed records
 * ({@link InversionManifest}, {@link EditManifest}) written through {@link Manifests}.
 */
public final class Recaptioner {

    /**
     * An edit request: the edited caption (inline {@code (word:factor)} allowed), emphasis, blend words and the words
     * whose region the blend leaves as it is.
     */
    public record EditRequest(String caption, Map<String, Float> emphasis, List<String> blendWords,
            List<String> blendExceptWords) {

        public EditRequest(String caption, Map<String, Float> emphasis, List<String> blendWords) {
            this(caption, emphasis, blendWords, List.of());
        }
    }

    private final DiffusionModel model;
    private final ImageFiles.Limits limits;
    private final ModelIdentity identity;

    /** A recaptioner on {@code model}, its identity named after the snapshot folder. */
    public Recaptioner(DiffusionModel model, ImageFiles.Limits limits) {
        this(model, limits, ModelIdentity.of(model.folder(), null));
    }

    public Recaptioner(DiffusionModel model, ImageFiles.Limits limits, ModelIdentity identity) {
        this.model = model;
        this.limits = limits;
        this.identity = identity;
    }

    public DiffusionModel model() {
        return model;
    }

    /** The model's identity, recorded in every manifest and compared by {@link #edit}. */
    public ModelIdentity identity() {
        return identity;
    }

    /** Inverts the image (file bytes) with a person's caption into {@code outDir}; returns the manifest, written last. */
    public InversionManifest invert(byte[] image, String caption, InversionSettings settings, Path outDir,
            ProgressListener progress) throws IOException {
        return invert(image, InversionCaption.user(caption), settings, outDir, progress);
    }

    /**
     * Inverts the image (file bytes) with {@code caption} into {@code outDir}; returns the manifest, written last,
     * which records where the caption came from (a {@link PhotoCaptioner}'s caption names its model).
     */
    public InversionManifest invert(byte[] image, InversionCaption caption, InversionSettings settings, Path outDir,
            ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        if (caption.text().isBlank()) {
            throw new InputRejectedException(Refusal.EMPTY_CAPTION, "the caption is empty");
        }
        Caption tokens = Caption.of(model.tokenizer(), caption.text(), settings.truncateCaption());
        BufferedImage decoded = ImageFiles.decode(image, limits);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = ImageFiles.toPixels(decoded, model.imageSize(), manager);
            BufferedImage input = ImageFiles.toImage(pixels);
            Inverter inverter = new Inverter(model);
            // SDXL is told the photo's own size and where the square was cut from it (SD ignores them)
            Inverter.Inversion inversion = inverter.invert(pixels, tokens, settings,
                    XlTimeIds.centreCrop(decoded.getHeight(), decoded.getWidth(), model.imageSize()), progress);
            long decodeStart = System.nanoTime();
            BufferedImage reconstruction = ImageFiles.toImage(model.decode(inversion.reconstructionLatent()));
            double decodeSeconds = (System.nanoTime() - decodeStart) / 1e9;

            List<Integer> inner = new ArrayList<>();
            for (int n : inversion.innerStepsRun()) {
                inner.add(n);
            }
            List<Double> losses = new ArrayList<>();
            for (double loss : inversion.finalLosses()) {
                losses.add(loss);
            }
            Map<String, Double> seconds = new LinkedHashMap<>(inversion.seconds());
            seconds.put("decode", decodeSeconds);
            seconds.put("total", (System.nanoTime() - start) / 1e9);
            InversionManifest manifest = new InversionManifest(InversionFiles.FORMAT_VERSION, identity, caption.text(),
                    caption.source(), caption.captioner(), tokens.tokenCount(), tokens.truncated(), settings.method().label(),
                    new InversionManifest.Settings(settings.steps(), settings.guidance(), settings.innerSteps(),
                            settings.earlyStopEpsilon(), settings.learningRate()),
                    model.imageSize(), decoded.getWidth(), decoded.getHeight(), inner, losses,
                    inversion.unetEvaluations(), ImageFiles.psnr(input, reconstruction), seconds, Instant.now(), null);
            InversionFiles.write(outDir, inversion.zT(), inversion.z0(), inversion.nullEmbeddings(),
                    inversion.directOffsets(), ImageFiles.png(reconstruction), Manifests.bytes(manifest));
            return manifest;
        }
    }

    /**
     * Renders an edit of the inversion in {@code inversionDir} as a PNG at {@code outFile}; returns its manifest.
     * An inversion made by another model is refused ({@link Refusal#MODEL_MISMATCH}): its null embeddings are
     * fitted to that model's UNet and would silently give another image here.
     */
    public EditManifest edit(Path inversionDir, EditRequest request, EditSettings settings, Path outFile,
            ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            InversionFiles.Stored stored = InversionFiles.read(inversionDir, manager);
            checkModel(stored);
            CaptionEdit edit = CaptionEdit.derive(stored.caption(), request.caption(), request.emphasis(),
                    request.blendWords(), request.blendExceptWords());
            Editor.Result result = new Editor(model).edit(stored.zT(), stored.nullEmbeddings(),
                    stored.directOffsets(), edit, settings, timeIds(stored), progress);
            NDArray pixels = model.decode(result.latents().get("1:2"));
            byte[] png = ImageFiles.png(ImageFiles.toImage(pixels));
            Path parent = outFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            InversionFiles.writeAtomically(outFile, png);

            Map<String, Double> emphasis = new LinkedHashMap<>();
            edit.emphasis().forEach((word, factor) -> emphasis.put(word, factor.doubleValue()));
            return new EditManifest(identity, stored.caption(), edit.edited(),
                    edit.kind().name().toLowerCase(Locale.ROOT), edit.swappedWords(), emphasis, edit.blendWords(),
                    edit.blendExceptWords(), settings.crossReplaceSteps(), settings.selfReplaceSteps(), settings.emphasisDownInEncoder(),
                    settings.guidance(), stored.steps(),
                    result.unetEvaluations(), (System.nanoTime() - start) / 1e9, Instant.now(), null);
        }
    }

    /** The time ids the inversion was made with, from its manifest's photo size; null for a manifest without one. */
    private static XlTimeIds timeIds(InversionFiles.Stored stored) {
        com.fasterxml.jackson.databind.JsonNode m = stored.manifest();
        int width = m.path("sourceWidth").asInt(0);
        int height = m.path("sourceHeight").asInt(0);
        int size = m.path("imageSize").asInt(0);
        return width > 0 && height > 0 && size > 0 ? XlTimeIds.centreCrop(height, width, size) : null;
    }

    /** A stored inversion that records another model's hash is refused; one that records none (older) is not. */
    private void checkModel(InversionFiles.Stored stored) {
        String hash = stored.manifest().path("model").path("hash").asText("");
        if (!hash.isEmpty() && !hash.equals(identity.hash())) {
            throw new InputRejectedException(Refusal.MODEL_MISMATCH, "the inversion was made by model "
                    + stored.manifest().path("model").path("name").asText("?") + " (" + hash + "), this is "
                    + identity.name() + " (" + identity.hash() + ")");
        }
    }
}
