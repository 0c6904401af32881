package io.recaption.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.artifacts.ImageFiles;
import io.recaption.artifacts.InversionFiles;
import io.recaption.diffusion.Caption;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
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
import java.util.List;
import java.util.Map;

/**
 * The product's two operations on files, shared by the command line and the worker: invert a photo
 * with its caption into an inversion folder, and render an edited caption from such a folder.
 * One model is loaded once and serves any number of both.
 */
public final class Recaptioner {

    /** An edit request: the edited caption (inline {@code (word:factor)} allowed), emphasis, blend words. */
    public record EditRequest(String caption, Map<String, Float> emphasis, List<String> blendWords) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StableDiffusion model;
    private final ImageFiles.Limits limits;

    public Recaptioner(StableDiffusion model, ImageFiles.Limits limits) {
        this.model = model;
        this.limits = limits;
    }

    public StableDiffusion model() {
        return model;
    }

    /** Inverts the image (file bytes) into {@code outDir}; returns the manifest, written last. */
    public ObjectNode invert(byte[] image, String caption, InversionSettings settings, Path outDir,
            ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        Caption tokens = Caption.of(model.tokenizer(), caption, settings.truncateCaption());
        if (caption.isBlank()) {
            throw new io.recaption.diffusion.InputRejectedException("EMPTY_CAPTION", "the caption is empty");
        }
        BufferedImage decoded = ImageFiles.decode(image, limits);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray pixels = ImageFiles.toPixels(decoded, model.imageSize(), manager);
            BufferedImage input = ImageFiles.toImage(pixels);
            Inverter inverter = new Inverter(model);
            Inverter.Inversion inversion = inverter.invert(pixels, tokens, settings, progress);
            long decodeStart = System.nanoTime();
            BufferedImage reconstruction = ImageFiles.toImage(model.decode(inversion.reconstructionLatent()));
            double decodeSeconds = (System.nanoTime() - decodeStart) / 1e9;

            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("kind", "inversion");
            manifest.put("model", model.folder().toAbsolutePath().toString());
            manifest.put("caption", caption);
            manifest.put("captionTokens", tokens.tokenCount());
            manifest.put("captionTruncated", tokens.truncated());
            manifest.put("method", settings.method().label());
            ObjectNode s = manifest.putObject("settings");
            s.put("steps", settings.steps());
            s.put("guidanceScale", settings.guidance());
            s.put("innerSteps", settings.innerSteps());
            s.put("earlyStopEpsilon", settings.earlyStopEpsilon());
            s.put("learningRate", settings.learningRate());
            manifest.put("imageSize", model.imageSize());
            manifest.put("sourceWidth", decoded.getWidth());
            manifest.put("sourceHeight", decoded.getHeight());
            ArrayNode inner = manifest.putArray("innerStepsRun");
            for (int n : inversion.innerStepsRun()) {
                inner.add(n);
            }
            ArrayNode losses = manifest.putArray("finalLosses");
            for (double loss : inversion.finalLosses()) {
                losses.add(loss);
            }
            manifest.put("unetEvaluations", inversion.unetEvaluations());
            manifest.put("psnr", ImageFiles.psnr(input, reconstruction));
            ObjectNode seconds = manifest.putObject("seconds");
            inversion.seconds().forEach(seconds::put);
            seconds.put("decode", decodeSeconds);
            seconds.put("total", (System.nanoTime() - start) / 1e9);
            manifest.put("createdAt", Instant.now().toString());
            InversionFiles.write(outDir, inversion.zT(), inversion.z0(), inversion.nullEmbeddings(),
                    inversion.directOffsets(), ImageFiles.png(reconstruction), manifest);
            return manifest;
        }
    }

    /** Renders an edit of the inversion in {@code inversionDir} as a PNG at {@code outFile}; returns its manifest. */
    public ObjectNode edit(Path inversionDir, EditRequest request, EditSettings settings, Path outFile,
            ProgressListener progress) throws IOException {
        long start = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager()) {
            InversionFiles.Stored stored = InversionFiles.read(inversionDir, manager);
            CaptionEdit edit = CaptionEdit.derive(stored.caption(), request.caption(), request.emphasis(),
                    request.blendWords());
            Editor.Result result = new Editor(model).edit(stored.zT(), stored.nullEmbeddings(),
                    stored.directOffsets(), edit, settings, progress);
            NDArray pixels = model.decode(result.latents().get("1:2"));
            byte[] png = ImageFiles.png(ImageFiles.toImage(pixels));
            Path parent = outFile.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            InversionFiles.writeAtomically(outFile, png);

            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("kind", "edit");
            manifest.put("sourceCaption", stored.caption());
            manifest.put("caption", edit.edited());
            manifest.put("editType", edit.kind().name().toLowerCase(java.util.Locale.ROOT));
            ArrayNode swapped = manifest.putArray("swappedWords");
            edit.swappedWords().forEach(swapped::add);
            ObjectNode emphasis = manifest.putObject("emphasis");
            edit.emphasis().forEach(emphasis::put);
            ArrayNode blend = manifest.putArray("localBlend");
            edit.blendWords().forEach(blend::add);
            manifest.put("crossReplaceSteps", settings.crossReplaceSteps());
            manifest.put("selfReplaceSteps", settings.selfReplaceSteps());
            manifest.put("guidanceScale", settings.guidance());
            manifest.put("steps", stored.steps());
            manifest.put("unetEvaluations", result.unetEvaluations());
            manifest.put("seconds", (System.nanoTime() - start) / 1e9);
            manifest.put("createdAt", Instant.now().toString());
            return manifest;
        }
    }
}
