package io.recaption.model.blip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.model.weights.JsonConfig;
import io.recaption.model.weights.WeightLoadException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * transformers' {@code BlipConfig} from a BLIP snapshot's {@code config.json}: the vision and text
 * sub-configs. The JSON key names are spelled here and in the two sub-config records only.
 *
 * <p>As transformers' {@code BlipConfig.__post_init__} does, the text decoder's
 * {@code encoder_hidden_size} is taken from the vision tower's {@code hidden_size} whatever the
 * text config says, so the cross-attention's key/value widths always fit the image states.
 */
public record BlipConfig(BlipVisionConfig vision, BlipTextConfig text) {

    public static final String FILE = "config.json";
    private static final String MODEL_TYPE = "blip";
    private static final ObjectMapper JSON = new ObjectMapper();

    public static BlipConfig read(Path snapshotDir) {
        Path file = snapshotDir.resolve(FILE);
        JsonConfig top = JsonConfig.read(file);
        String modelType = top.stringValue("model_type", MODEL_TYPE);
        if (!MODEL_TYPE.equals(modelType)) {
            throw new WeightLoadException(file + ": model_type '" + modelType + "' is not a BLIP model ('"
                    + MODEL_TYPE + "')");
        }
        BlipVisionConfig vision = BlipVisionConfig.from(section(file, "vision_config"));
        BlipTextConfig text = BlipTextConfig.from(section(file, "text_config"), vision.hiddenSize());
        return new BlipConfig(vision, text);
    }

    /** A nested config object; an absent one takes every default, as transformers does. */
    private static JsonConfig section(Path file, String key) {
        String source = file + " [" + key + "]";
        try {
            JsonNode node = JSON.readTree(Files.readString(file)).get(key);
            if (node == null || node.isNull()) {
                return JsonConfig.parse(source, "{}");
            }
            if (!node.isObject()) {
                throw new WeightLoadException(file + ": '" + key + "' must be an object, found " + node);
            }
            return JsonConfig.parse(source, node.toString());
        } catch (IOException e) {
            throw new WeightLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}
