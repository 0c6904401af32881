package io.recaption.pipeline;

import io.recaption.model.blip.BlipModelIdentity;

/**
 * The caption an inversion is made with, and where it came from. A model's caption names the captioner that
 * wrote it (its snapshot's name and config hash, never a local path); a person's names none.
 *
 * @param text the caption as inverted
 * @param source who wrote it
 * @param captioner the captioning model; present exactly when {@code source} is {@link CaptionSource#MODEL}
 */
public record InversionCaption(String text, CaptionSource source, BlipModelIdentity captioner) {

    public InversionCaption {
        if (text == null || source == null) {
            throw new IllegalArgumentException("an inversion caption needs its text and source");
        }
        if ((source == CaptionSource.MODEL) != (captioner != null)) {
            throw new IllegalArgumentException("a model's caption names its captioner, a person's names none");
        }
    }

    public static InversionCaption user(String text) {
        return new InversionCaption(text, CaptionSource.USER, null);
    }

    public static InversionCaption model(String text, BlipModelIdentity captioner) {
        return new InversionCaption(text, CaptionSource.MODEL, captioner);
    }
}
