package io.recaption.model.blip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * transformers' {@code BlipImageProcessor} settings: from a Hub snapshot's
 * {@code preprocessor_config.json}, or from the {@code image_processor} object of the
 * {@code processor_config.json} that transformers 5's {@code save_pretrained} writes instead. A
 * key the file omits takes the class default (384², bicubic, rescale 1/255, OpenAI CLIP's mean
 * and std). The JSON key names are spelled here only.
 *
 * @param resample PIL's resampling filter number; only 3 (bicubic), BLIP's, is implemented
 */
public record BlipImageProcessorConfig(
        boolean doConvertRgb,
        boolean doResize,
        int height,
        int width,
        int resample,
        boolean doRescale,
        double rescaleFactor,
        boolean doNormalize,
        double[] imageMean,
        double[] imageStd) {

    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";
    public static final String PROCESSOR_FILE = "processor_config.json";
    /** {@code PILImageResampling.BICUBIC}. */
    public static final int BICUBIC = 3;
    private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
    private static final ObjectMapper JSON = new ObjectMapper();

    public BlipImageProcessorConfig {
        if (height <= 0 || width <= 0) {
            throw new WeightLoadException("image processor: size must be positive, found " + height + "×" + width);
        }
        if (doResize && resample != BICUBIC) {
            throw new WeightLoadException("image processor: resample " + resample
                    + " is not supported (only " + BICUBIC + ", bicubic, BLIP's)");
        }
        if (imageMean.length != 3 || imageStd.length != 3) {
            throw new WeightLoadException("image processor: image_mean and image_std must have 3 entries (RGB)");
        }
        for (double std : imageStd) {
            if (!(std > 0)) {
                throw new WeightLoadException("image processor: image_std must be positive, found " + std);
            }
        }
        imageMean = imageMean.clone();
        imageStd = imageStd.clone();
    }

    @Override
    public double[] imageMean() {
        return imageMean.clone();
    }

    @Override
    public double[] imageStd() {
        return imageStd.clone();
    }

    /** The snapshot's preprocessor config, in either layout; fails naming both files when neither exists. */
    public static BlipImageProcessorConfig read(Path snapshotDir) {
        Path preprocessor = snapshotDir.resolve(PREPROCESSOR_FILE);
        if (Files.isRegularFile(preprocessor)) {
            return from(preprocessor.toString(), tree(preprocessor));
        }
        Path processor = snapshotDir.resolve(PROCESSOR_FILE);
        if (Files.isRegularFile(processor)) {
            JsonNode nested = tree(processor).get("image_processor");
            if (nested == null || !nested.isObject()) {
                throw new WeightLoadException(processor + " has no 'image_processor' object");
            }
            return from(processor + " [image_processor]", nested);
        }
        throw new WeightLoadException(snapshotDir + " has neither " + PREPROCESSOR_FILE + " nor " + PROCESSOR_FILE);
    }

    private static BlipImageProcessorConfig from(String source, JsonNode json) {
        int height = 384;
        int width = 384;
        JsonNode size = json.get("size");
        if (size != null && size.isIntegralNumber()) { // older configs: one number for a square
            height = size.intValue();
            width = size.intValue();
        } else if (size != null && size.isObject()) {
            if (!size.has("height") || !size.has("width")) {
                throw new WeightLoadException(source + ": 'size' must give height and width (BLIP resizes to a square"
                        + " without keeping the aspect ratio), found " + size);
            }
            height = integer(source, size, "height");
            width = integer(source, size, "width");
        }
        return new BlipImageProcessorConfig(
                bool(source, json, "do_convert_rgb", true),
                bool(source, json, "do_resize", true),
                height,
                width,
                json.has("resample") ? integer(source, json, "resample") : BICUBIC,
                bool(source, json, "do_rescale", true),
                json.has("rescale_factor") ? json.get("rescale_factor").asDouble() : 1 / 255.0,
                bool(source, json, "do_normalize", true),
                triple(source, json, "image_mean", CLIP_MEAN),
                triple(source, json, "image_std", CLIP_STD));
    }

    private static JsonNode tree(Path file) {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new WeightLoadException(file + " is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new WeightLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static int integer(String source, JsonNode json, String key) {
        JsonNode node = json.get(key);
        if (node == null || !node.isIntegralNumber()) {
            throw new WeightLoadException(source + ": key '" + key + "' must be an integer, found " + node);
        }
        return node.intValue();
    }

    private static boolean bool(String source, JsonNode json, String key, boolean fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback;
        }
        if (!node.isBoolean()) {
            throw new WeightLoadException(source + ": key '" + key + "' must be true or false, found " + node);
        }
        return node.booleanValue();
    }

    /** A per-channel triple, or one number for all three channels. */
    private static double[] triple(String source, JsonNode json, String key, double[] fallback) {
        JsonNode node = json.get(key);
        if (node == null || node.isNull()) {
            return fallback.clone();
        }
        if (node.isNumber()) {
            return new double[] {node.doubleValue(), node.doubleValue(), node.doubleValue()};
        }
        if (!node.isArray() || node.size() != 3) {
            throw new WeightLoadException(source + ": key '" + key + "' must be 3 numbers, found " + node);
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!node.get(i).isNumber()) {
                throw new WeightLoadException(source + ": key '" + key + "' must be 3 numbers, found " + node);
            }
            out[i] = node.get(i).doubleValue();
        }
        return out;
    }
}
