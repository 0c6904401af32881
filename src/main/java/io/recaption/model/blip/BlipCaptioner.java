package io.recaption.model.blip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.model.weights.WeightLoadException;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Captions photos with a BLIP snapshot folder as the Hub holds it (e.g.
 * Salesforce/blip-image-captioning-base): the image processor, the tokenizer and
 * {@link BlipForConditionalGeneration}, loaded once. {@link #caption} is transformers'
 * {@code processor.decode(model.generate(**processor(image, prompt))[0], skip_special_tokens=True)}.
 * Safe to share between threads: each call works in its own NDManager below the weights'.
 */
public final class BlipCaptioner implements AutoCloseable {

    /** A caption: the decoded text (the prompt included, as transformers returns it) and its token ids. */
    public record Caption(String text, long[] ids) {
        public Caption {
            ids = ids.clone();
        }

        @Override
        public long[] ids() {
            return ids.clone();
        }
    }

    private final NDManager weights;
    private final GenerationSettings generation;
    private final BlipImageProcessor processor;
    private final BlipTokenizer tokenizer;
    private final BlipForConditionalGeneration model;
    private final BlipModelIdentity identity;

    private BlipCaptioner(NDManager weights, Path snapshotDir, BlipImageProcessor processor, BlipTokenizer tokenizer,
            BlipForConditionalGeneration model) {
        this.weights = weights;
        this.generation = GenerationSettings.of(snapshotDir, 1, 1); // the snapshot's length penalty and early stopping
        this.processor = processor;
        this.tokenizer = tokenizer;
        this.model = model;
        this.identity = BlipModelIdentity.of(snapshotDir);
    }

    /** Loads a snapshot folder; fails with a {@link WeightLoadException} naming what is missing or wrong. */
    public static BlipCaptioner load(Path snapshotDir) {
        if (!Files.isDirectory(snapshotDir)) {
            throw new WeightLoadException("model folder not found: " + snapshotDir);
        }
        BlipImageProcessor processor = BlipImageProcessor.load(snapshotDir);
        NDManager weights = NDManager.newBaseManager();
        BlipTokenizer tokenizer = null;
        try {
            tokenizer = BlipTokenizer.load(snapshotDir);
            BlipForConditionalGeneration model = BlipForConditionalGeneration.load(snapshotDir, weights);
            return new BlipCaptioner(weights, snapshotDir, processor, tokenizer, model);
        } catch (RuntimeException e) {
            if (tokenizer != null) {
                tokenizer.close();
            }
            weights.close();
            throw e;
        }
    }

    public Caption caption(BufferedImage image, CaptionOptions options) {
        GenerationSettings settings = generation.with(options.maxNewTokens(), options.beams());
        long[] prompt = options.prompted() ? tokenizer.encode(options.prompt()) : null;
        try (NDManager manager = weights.newSubManager()) {
            NDArray pixels = processor.preprocess(image, manager);
            long[] ids = model.generate(pixels, prompt, settings);
            return new Caption(tokenizer.decode(ids), ids);
        }
    }

    public BlipModelIdentity identity() {
        return identity;
    }

    public BlipTokenizer tokenizer() {
        return tokenizer;
    }

    public BlipImageProcessor processor() {
        return processor;
    }

    public BlipForConditionalGeneration model() {
        return model;
    }

    @Override
    public void close() {
        tokenizer.close();
        weights.close();
    }
}
