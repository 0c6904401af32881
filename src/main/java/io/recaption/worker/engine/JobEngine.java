package io.recaption.worker.engine;

import io.recaption.artifacts.InversionFiles;
import io.recaption.pipeline.EditManifest;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.ModelIdentity;
import io.recaption.protocol.EditOptions;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionOptions;
import io.recaption.protocol.JobFailure;
import io.recaption.worker.JobInterrupted;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The port between the worker and the model: everything the worker needs from Stable Diffusion, and nothing
 * of Kafka or S3. The worker has already validated the request (ids, bucket, key, caption length in
 * characters, option ranges, the UNet budget, emphasis words), fetched the input into local files and bounded
 * the image's bytes and pixels before it calls an engine; it uploads what the engine wrote, manifest last.
 *
 * <p>Progress: {@code progress} takes fractions 0..1. It may throw a {@link JobInterrupted} (shutdown, a lost
 * lease, the deadline); an engine must let that exception propagate (releasing its native memory on the way)
 * and must not catch it as a failure.
 *
 * <p>Beans: the application's real implementation is an {@code @ApplicationScoped JobEngine}; until one
 * exists {@link UnavailableEngine} (a {@code @DefaultBean}) stands in, never ready.
 */
public interface JobEngine {

    /** File names an inversion consists of; {@link #MANIFEST} is written last and its presence means complete. */
    String LATENTS = InversionFiles.LATENTS;
    String NULL_EMBEDDINGS = InversionFiles.NULL_EMBEDDINGS;
    String RECONSTRUCTION = InversionFiles.RECONSTRUCTION;
    String MANIFEST = InversionFiles.MANIFEST;
    /** The edited image of an edit (with {@link #MANIFEST}). */
    String EDITED_IMAGE = "image.png";

    /** Whether the model is loaded (readiness); the first call starts loading it. */
    boolean ready();

    /** Why the model could not be loaded, once its loading has failed. */
    default Optional<String> loadFailure() {
        return Optional.empty();
    }

    /** The loaded model's identity (recorded in inversion manifests, compared by edits). */
    ModelIdentity model();

    /**
     * Inverts {@code imageFile} with {@code caption} into {@code outDir}: writes {@link #LATENTS},
     * {@link #NULL_EMBEDDINGS}, {@link #RECONSTRUCTION} and, last, {@link #MANIFEST}; returns the manifest, which
     * records the caption's text, source and captioner as given (the worker captions before it calls an engine).
     *
     * @throws JobFailure for failures with a clear code (e.g. {@link ErrorCode#CAPTION_TOO_LONG},
     *     {@link ErrorCode#NOT_AN_IMAGE}, {@link ErrorCode#IMAGE_TOO_LARGE}, {@link ErrorCode#INVALID_OPTIONS})
     */
    InversionManifest invert(Path imageFile, InversionCaption caption, InversionOptions options, Path outDir,
            JobProgress progress) throws JobFailure;

    /**
     * Renders an edit of the inversion stored in {@code inversionDir} (the four files of {@link #invert}) into
     * {@code outDir}: {@link #EDITED_IMAGE}, then {@link #MANIFEST}. Returns the manifest.
     *
     * @throws JobFailure for failures with a clear code (e.g. {@link ErrorCode#CAPTION_TOO_LONG},
     *     {@link ErrorCode#INVALID_OPTIONS} for a local-blend word found in neither caption)
     */
    EditManifest edit(Path inversionDir, EditOptions options, Path outDir, JobProgress progress) throws JobFailure;
}
