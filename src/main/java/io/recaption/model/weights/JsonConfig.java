package io.recaption.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed {@code config.json} with typed, named accessors: a missing key or a value of the wrong
 * type fails with the file and key in the message. Config records read their fields through this
 * class, which is the one place where the diffusers/transformers JSON key names are spelled.
 */
public final class JsonConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final JsonNode root;

    private JsonConfig(String source, JsonNode root) {
        this.source = source;
        this.root = root;
    }

    public static JsonConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new WeightLoadException("missing config file: " + file);
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                throw new WeightLoadException(file + " is not a JSON object");
            }
            return new JsonConfig(file.toString(), root);
        } catch (IOException e) {
            throw new WeightLoadException(file + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public static JsonConfig parse(String source, String json) {
        try {
            return new JsonConfig(source, JSON.readTree(json));
        } catch (IOException e) {
            throw new WeightLoadException(source + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    public String source() {
        return source;
    }

    /** Whether the key is present with a non-null value. */
    public boolean has(String key) {
        JsonNode node = root.get(key);
        return node != null && !node.isNull();
    }

    /**
     * Whether the key is present with an explicit JSON {@code null}. diffusers tells the two apart for
     * some keys: an absent {@code mid_block_type} means the default block, {@code null} means none.
     */
    public boolean isExplicitNull(String key) {
        JsonNode node = root.get(key);
        return node != null && node.isNull();
    }

    private JsonNode required(String key) {
        if (!has(key)) {
            throw new WeightLoadException(source + ": missing required key '" + key + "'");
        }
        return root.get(key);
    }

    private WeightLoadException wrongType(String key, String expected) {
        return new WeightLoadException(source + ": key '" + key + "' must be " + expected + ", found " + root.get(key));
    }

    public int intValue(String key) {
        JsonNode node = required(key);
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            throw wrongType(key, "an integer");
        }
        return node.intValue();
    }

    public int intValue(String key, int fallback) {
        return has(key) ? intValue(key) : fallback;
    }

    public double doubleValue(String key) {
        JsonNode node = required(key);
        if (!node.isNumber()) {
            throw wrongType(key, "a number");
        }
        return node.doubleValue();
    }

    public double doubleValue(String key, double fallback) {
        return has(key) ? doubleValue(key) : fallback;
    }

    public boolean boolValue(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode node = root.get(key);
        if (!node.isBoolean()) {
            throw wrongType(key, "true or false");
        }
        return node.booleanValue();
    }

    public String stringValue(String key) {
        JsonNode node = required(key);
        if (!node.isTextual()) {
            throw wrongType(key, "a string");
        }
        return node.textValue();
    }

    public String stringValue(String key, String fallback) {
        return has(key) ? stringValue(key) : fallback;
    }

    /**
     * A string written either as a string or as an object holding it in {@code field}: transformers
     * saves a tokenizer's special tokens both as {@code "<|endoftext|>"} and as
     * {@code {"content": "<|endoftext|>", "lstrip": false, ...}}.
     */
    public String stringOrField(String key, String field, String fallback) {
        if (!has(key)) {
            return fallback;
        }
        JsonNode node = root.get(key);
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isObject() && node.has(field) && node.get(field).isTextual()) {
            return node.get(field).textValue();
        }
        throw wrongType(key, "a string or an object with a string '" + field + "'");
    }

    public List<String> strings(String key) {
        JsonNode node = required(key);
        if (!node.isArray()) {
            throw wrongType(key, "a list of strings");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw wrongType(key, "a list of strings");
            }
            out.add(item.textValue());
        }
        return List.copyOf(out);
    }

    public int[] ints(String key) {
        JsonNode node = required(key);
        if (!node.isArray()) {
            throw wrongType(key, "a list of integers");
        }
        int[] out = new int[node.size()];
        for (int i = 0; i < out.length; i++) {
            if (!node.get(i).isIntegralNumber()) {
                throw wrongType(key, "a list of integers");
            }
            out[i] = node.get(i).intValue();
        }
        return out;
    }

    /** A value that diffusers accepts either as one integer for every block or as a list per block. */
    public int[] intsPerBlock(String key, int blocks) {
        JsonNode node = required(key);
        if (node.isIntegralNumber()) {
            int[] out = new int[blocks];
            java.util.Arrays.fill(out, node.intValue());
            return out;
        }
        int[] out = ints(key);
        if (out.length != blocks) {
            throw new WeightLoadException(source + ": key '" + key + "' has " + out.length + " entries for "
                    + blocks + " blocks");
        }
        return out;
    }

    /** Like {@link #intsPerBlock(String, int)}, with a default when the key is absent or null. */
    public int[] intsPerBlock(String key, int blocks, int[] fallback) {
        return has(key) ? intsPerBlock(key, blocks) : fallback;
    }

    /** Fails when an option that this engine does not implement is set to anything but its default. */
    public void refuseUnless(String key, Object allowedDefault) {
        if (!has(key)) {
            return;
        }
        JsonNode node = root.get(key);
        Object value = node.isTextual() ? node.textValue()
                : node.isBoolean() ? node.booleanValue()
                : node.isIntegralNumber() ? (Object) node.intValue()
                : node.isNumber() ? (Object) node.doubleValue() : node.toString();
        if (!value.equals(allowedDefault)) {
            throw new WeightLoadException(source + ": '" + key + "' = " + node + " is not supported (only "
                    + allowedDefault + ")");
        }
    }
}
