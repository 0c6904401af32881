package io.recaption.pipeline;

import io.recaption.artifacts.ImageFiles;
import io.recaption.artifacts.InversionFiles;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.diffusion.ProgressListener;
import io.recaption.diffusion.StableDiffusion;
import io.recaption.editing.EditSettings;
import io.recaption.inversion.InversionMethod;
import io.recaption.inversion.InversionSettings;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Invert the reference photo with the tiny model, edit it twice, read everything back; refuse broken folders. */
@Tag("unit")
class RoundTripTest {

    private static StableDiffusion model;
    private static Recaptioner recaptioner;
    private static byte[] photo;

    @TempDir
    Path tmp;

    @BeforeAll
    static void load() throws Exception {
        model = StableDiffusion.load(Fixtures.tinySd());
        recaptioner = new Recaptioner(model, ImageFiles.Limits.defaults());
        photo = Files.readAllBytes(Fixtures.reference().resolve("chelsea-256.png"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static InversionSettings quick(InversionMethod method) {
        return InversionSettings.defaults().withMethod(method).withSteps(6).withInnerSteps(3);
    }

    @Test
    void invertThenEditTwiceWithoutRedoingTheInversion() throws Exception {
        Path inversion = tmp.resolve("inversion");
        InversionManifest manifest = recaptioner.invert(photo, "a cat sitting next to a mirror",
                quick(InversionMethod.NULL_TEXT), inversion, ProgressListener.NONE);
        for (String name : InversionFiles.ALL) {
            assertTrue(Files.size(inversion.resolve(name)) > 0, name);
        }
        assertEquals(6, manifest.innerStepsRun().size());
        assertTrue(Double.isFinite(manifest.psnr()));
        assertEquals(recaptioner.identity(), manifest.model(), "the model's identity, not its path");
        BufferedImage reconstruction = ImageIO.read(inversion.resolve(InversionFiles.RECONSTRUCTION).toFile());
        assertEquals(256, reconstruction.getWidth());
        try (NDManager manager = NDManager.newBaseManager()) {
            InversionFiles.Stored stored = InversionFiles.read(inversion, manager);
            assertEquals(new ai.djl.ndarray.types.Shape(1, 4, 32, 32), stored.zT().getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(6, 77, 32), stored.nullEmbeddings().getShape());
        }
        long before = Files.getLastModifiedTime(inversion.resolve(InversionFiles.MANIFEST)).toMillis();
        Path tiger = tmp.resolve("tiger.png");
        EditManifest swap = recaptioner.edit(inversion, new Recaptioner.EditRequest("a tiger sitting next to a mirror",
                Map.of(), List.of("cat", "tiger")), EditSettings.defaults(), tiger, ProgressListener.NONE);
        assertEquals("replace", swap.editType());
        Path silver = tmp.resolve("silver.png");
        EditManifest refine = recaptioner.edit(inversion, new Recaptioner.EditRequest(
                "a silver cat sculpture sitting next to a (mirror:2)", Map.of(), List.of()), EditSettings.defaults(),
                silver, ProgressListener.NONE);
        assertEquals("refine", refine.editType());
        assertEquals(2.0, refine.emphasis().get("mirror"));
        for (Path png : List.of(tiger, silver)) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertEquals(256, image.getWidth(), png.toString());
        }
        assertEquals(6 * 4, swap.unetEvaluations(), "an edit samples only: steps × [∅, C] × 2 images");
        assertEquals(before, Files.getLastModifiedTime(inversion.resolve(InversionFiles.MANIFEST)).toMillis(),
                "editing does not touch the inversion");
    }

    @Test
    void directInversionReconstructsTheEncodedPhotoExactly() throws Exception {
        Path inversion = tmp.resolve("direct");
        recaptioner.invert(photo, "a cat sitting next to a mirror", quick(InversionMethod.DIRECT), inversion,
                ProgressListener.NONE);
        try (NDManager manager = NDManager.newBaseManager()) {
            InversionFiles.Stored stored = InversionFiles.read(inversion, manager);
            assertTrue(stored.directOffsets() != null);
            io.recaption.editing.CaptionEdit same = io.recaption.editing.CaptionEdit.derive(stored.caption(),
                    stored.caption(), Map.of(), List.of());
            io.recaption.editing.Editor editor = new io.recaption.editing.Editor(model);
            double withOffsets = Fixtures.maxAbsDiff(stored.z0(), editor.edit(stored.zT(), stored.nullEmbeddings(),
                    stored.directOffsets(), same, EditSettings.defaults(), ProgressListener.NONE).latents().get("0:1"));
            double without = Fixtures.maxAbsDiff(stored.z0(), editor.edit(stored.zT(), stored.nullEmbeddings(), null,
                    same, EditSettings.defaults(), ProgressListener.NONE).latents().get("0:1"));
            System.out.printf("direct inversion: source branch ends %.2e from z_0 (%.2e without the offsets)%n",
                    withOffsets, without);
            // float32 rounding of the batched UNet is amplified by the early steps' 1/√ᾱ_t, hence not 1e-7
            assertTrue(withOffsets < 1e-3, "source branch retraces the pivot: " + withOffsets);
            assertTrue(without > 100 * withOffsets, "the offsets are what make it retrace: " + without);
        }
    }

    @Test
    void otherMethodsWriteCompleteInversions() throws Exception {
        for (InversionMethod method : List.of(InversionMethod.NEGATIVE_PROMPT, InversionMethod.GLOBAL_NULL_TEXT)) {
            Path dir = tmp.resolve(method.label());
            InversionManifest manifest = recaptioner.invert(photo, "a cat sitting next to a mirror", quick(method), dir,
                    ProgressListener.NONE);
            assertEquals(method.label(), manifest.method());
            try (NDManager manager = NDManager.newBaseManager()) {
                assertEquals(6, InversionFiles.read(dir, manager).steps());
            }
        }
    }

    @Test
    void corruptOrIncompleteInversionsAreRefused() throws Exception {
        Path inversion = tmp.resolve("neg");
        recaptioner.invert(photo, "a cat sitting next to a mirror", quick(InversionMethod.NEGATIVE_PROMPT), inversion,
                ProgressListener.NONE);
        Path edited = tmp.resolve("x.png");
        Recaptioner.EditRequest request = new Recaptioner.EditRequest("a dog sitting next to a mirror", Map.of(),
                List.of());

        Path truncated = copy(inversion, "truncated");
        byte[] latents = Files.readAllBytes(truncated.resolve(InversionFiles.LATENTS));
        Files.write(truncated.resolve(InversionFiles.LATENTS), java.util.Arrays.copyOf(latents, latents.length / 2));
        assertRefused(truncated, request, edited, "truncated");

        Path incomplete = copy(inversion, "incomplete");
        Files.delete(incomplete.resolve(InversionFiles.MANIFEST));
        assertRefused(incomplete, request, edited, "manifest.json is missing");

        Path badJson = copy(inversion, "badjson");
        Files.writeString(badJson.resolve(InversionFiles.MANIFEST), "{ not json");
        assertRefused(badJson, request, edited, "not valid JSON");
        assertRefused(tmp.resolve("nowhere"), request, edited, "no inversion folder");
    }

    @Test
    void anInversionMadeByAnotherModelIsRefusedWithModelMismatch() throws Exception {
        Path inversion = tmp.resolve("other-model");
        InversionManifest manifest = recaptioner.invert(photo, "a cat sitting next to a mirror",
                quick(InversionMethod.NEGATIVE_PROMPT), inversion, ProgressListener.NONE);
        ModelIdentity other = new ModelIdentity("another-snapshot", "sha256:" + "0".repeat(64));
        Manifests.write(inversion, new InversionManifest(manifest.formatVersion(), other, manifest.caption(),
                manifest.captionSource(), manifest.captioner(), manifest.captionTokens(), manifest.captionTruncated(), manifest.method(), manifest.settings(),
                manifest.imageSize(), manifest.sourceWidth(), manifest.sourceHeight(), manifest.innerStepsRun(),
                manifest.finalLosses(), manifest.unetEvaluations(), manifest.psnr(), manifest.seconds(),
                manifest.createdAt(), null));
        InputRejectedException e = assertThrows(InputRejectedException.class, () -> recaptioner.edit(inversion,
                new Recaptioner.EditRequest("a dog sitting next to a mirror", Map.of(), List.of()),
                EditSettings.defaults(), tmp.resolve("x.png"), ProgressListener.NONE));
        System.out.println("refused: " + e.getMessage());
        assertEquals(io.recaption.diffusion.Refusal.MODEL_MISMATCH, e.refusal());
    }

    @Test
    void theModelIdentityIsTheSameWhereverTheSnapshotLies() throws Exception {
        Path copy = tmp.resolve("mounted-elsewhere");
        try (var walk = Files.walk(Fixtures.tinySd())) {
            for (Path file : walk.toList()) {
                Path target = copy.resolve(Fixtures.tinySd().relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        assertEquals(recaptioner.identity().hash(), ModelIdentity.of(copy, null).hash());
        Path config = copy.resolve("unet/config.json");
        Files.writeString(config, Files.readString(config).replace("{", "{\"retrained\": true, "));
        assertTrue(!recaptioner.identity().sameModel(ModelIdentity.of(copy, null)), "a changed config is another model");
    }

    private void assertRefused(Path dir, Recaptioner.EditRequest request, Path out, String expected) {
        InputRejectedException e = assertThrows(InputRejectedException.class,
                () -> recaptioner.edit(dir, request, EditSettings.defaults(), out, ProgressListener.NONE));
        assertEquals("CORRUPT_INVERSION", e.code());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    private Path copy(Path from, String name) throws Exception {
        Path to = tmp.resolve(name);
        Files.createDirectories(to);
        for (String file : InversionFiles.ALL) {
            Files.copy(from.resolve(file), to.resolve(file));
        }
        return to;
    }
}
