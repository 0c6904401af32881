package io.recaption.pipeline;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.diffusion.Refusal;
import io.recaption.model.blip.BlipCaptioner;
import io.recaption.model.blip.BlipModelIdentity;
import io.recaption.model.blip.CaptionOptions;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Captions a photo that came without one, for {@link Recaptioner#invert}: a BLIP snapshot loaded once, its
 * default decoding (unprompted, greedy, at most 20 tokens, as transformers' {@code generate}), the image read
 * with the same limits and EXIF handling as an inversion's input. The command line and the worker share it, so
 * a caption made for {@code invert} is the one {@code caption} prints for the same snapshot.
 */
public final class PhotoCaptioner implements AutoCloseable {

    private final BlipCaptioner blip;
    private final ImageFiles.Limits limits;
    private final CaptionOptions options;

    private PhotoCaptioner(BlipCaptioner blip, ImageFiles.Limits limits, CaptionOptions options) {
        this.blip = blip;
        this.limits = limits;
        this.options = options;
    }

    /**
     * Loads the BLIP snapshot in {@code folder}.
     *
     * @throws io.recaption.model.weights.WeightLoadException naming what is missing or wrong
     */
    public static PhotoCaptioner load(Path folder, ImageFiles.Limits limits) {
        return new PhotoCaptioner(BlipCaptioner.load(folder), limits, CaptionOptions.defaults());
    }

    /** The captioner's identity, recorded in the manifests of the inversions it captioned. */
    public BlipModelIdentity identity() {
        return blip.identity();
    }

    /**
     * The model's caption of the photo (file bytes).
     *
     * @throws InputRejectedException for an image that cannot be read ({@link Refusal#NOT_AN_IMAGE}, ...), and
     *     {@link Refusal#EMPTY_CAPTION} when the model says nothing (it stopped at once): inverting with an empty
     *     caption would silently give an inversion no edit can address
     */
    public InversionCaption caption(byte[] image) {
        BufferedImage decoded = ImageFiles.decode(image, limits);
        String text = blip.caption(decoded, options).text().strip();
        if (text.isEmpty()) {
            throw new InputRejectedException(Refusal.EMPTY_CAPTION, "the captioning model " + blip.identity()
                    + " gave an empty caption for this photo; send a caption with it");
        }
        return InversionCaption.model(text, blip.identity());
    }

    @Override
    public void close() {
        blip.close();
    }
}
