package io.recaption.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads request records (DESIGN §5): UTF-8 JSON objects, one {@code schemaVersion} (absent means 1), unknown
 * fields ignored. Everything that makes a record not a request — not JSON, not an object, a required field
 * missing, a field of the wrong JSON type, an unsafe id, another schema version — is an {@link InvalidMessage}
 * (dead letter). Numbers are read leniently (NaN and infinities included) so that their values are judged by
 * {@link RequestValidator} and answered with a failed event.
 */
public final class RequestReader {

    public static final int SCHEMA_VERSION = 1;

    /** Ids are used as S3 key segments: UUID-like, no dots, slashes or spaces. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    /** Owners: user names, e-mail addresses and token subjects; no slashes, spaces or "..", so one can name a folder. */
    private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // {"caption": "a cat", "caption": "a dog"} is one request to one reader and another to the next (Jackson
            // keeps the last, others the first): refused rather than guessed
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RequestReader() {}

    public static boolean isSafeId(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** The id field of a record, if it has a safe one (used to name a dead letter's key). */
    public static String idOrNull(JsonNode root, String field) {
        JsonNode id = root == null ? null : root.get(field);
        return id != null && id.isTextual() && isSafeId(id.textValue()) ? id.textValue() : null;
    }

    public static WireRequests.Inversion inversion(byte[] value) throws InvalidMessage {
        JsonNode root = object(value);
        String requestId = id(root, "requestId");
        JsonNode image = root.get("image");
        if (image == null || image.isNull()) {
            throw new InvalidMessage(ErrorCode.MISSING_FIELD, "missing field 'image'");
        }
        if (!image.isObject()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'image' must be an object {bucket?, key}, got " + kind(image));
        }
        String bucket = optionalText(image, "bucket", "image.bucket");
        String key = requiredText(image, "key", "image.key");
        // optional: a worker with a captioning model writes one (RequestValidator refuses it on one without)
        String caption = optionalText(root, "caption", "caption");
        JsonNode options = root.get("options");
        if (options != null && !options.isNull() && !options.isObject()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'options' must be an object, got " + kind(options));
        }
        boolean hasOptions = options != null && options.isObject();
        return new WireRequests.Inversion(
                requestId,
                bucket,
                key,
                caption,
                hasOptions ? optionalText(options, "method", "options.method") : null,
                hasOptions ? optionalNumber(options, "steps", "options.steps") : null,
                hasOptions ? optionalNumber(options, "guidanceScale", "options.guidanceScale") : null,
                hasOptions ? optionalNumber(options, "innerSteps", "options.innerSteps") : null,
                hasOptions ? optionalNumber(options, "earlyStopEpsilon", "options.earlyStopEpsilon") : null,
                hasOptions ? optionalBoolean(options, "truncateCaption", "options.truncateCaption") : null,
                owner(root));
    }

    public static WireRequests.Edit edit(byte[] value) throws InvalidMessage {
        JsonNode root = object(value);
        String editId = id(root, "editId");
        String inversionId = id(root, "inversionId");
        String caption = requiredText(root, "caption", "caption");
        Map<String, Double> emphasis = new LinkedHashMap<>();
        JsonNode emphasisNode = root.get("emphasis");
        if (emphasisNode != null && !emphasisNode.isNull()) {
            if (!emphasisNode.isObject()) {
                throw new InvalidMessage(
                        ErrorCode.INVALID_MESSAGE, "'emphasis' must be an object {word: factor}, got " + kind(emphasisNode));
            }
            Iterator<Map.Entry<String, JsonNode>> fields = emphasisNode.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getValue().isNumber()) {
                    throw new InvalidMessage(ErrorCode.INVALID_MESSAGE,
                            "emphasis factor of '" + clip(field.getKey()) + "' must be a number, got " + kind(field.getValue()));
                }
                emphasis.put(field.getKey(), field.getValue().doubleValue());
            }
        }
        List<String> localBlend = words(root, "localBlend");
        List<String> localBlendExcept = words(root, "localBlendExcept");
        return new WireRequests.Edit(
                editId,
                inversionId,
                caption,
                emphasis,
                localBlend,
                localBlendExcept,
                optionalNumber(root, "crossReplaceSteps", "crossReplaceSteps"),
                optionalNumber(root, "selfReplaceSteps", "selfReplaceSteps"),
                owner(root));
    }

    /** The optional array of words {@code field}: empty when absent or null. */
    private static List<String> words(JsonNode root, String field) throws InvalidMessage {
        List<String> words = new ArrayList<>();
        JsonNode node = root.get(field);
        if (node != null && !node.isNull()) {
            if (!node.isArray()) {
                throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'" + field + "' must be an array of words, got " + kind(node));
            }
            for (JsonNode word : node) {
                if (!word.isTextual()) {
                    throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'" + field + "' entries must be strings, got " + kind(word));
                }
                words.add(word.textValue());
            }
        }
        return words;
    }

    /** Whether {@code owner} can name who asked: a user name, an e-mail address, a token's subject. */
    public static boolean isSafeOwner(String owner) {
        return owner != null && OWNER.matcher(owner).matches() && !owner.contains("..");
    }

    /** The optional {@code owner}: who asked (the caption editor's caller); refused when it could not be one. */
    private static String owner(JsonNode root) throws InvalidMessage {
        String owner = optionalText(root, "owner", "owner");
        if (owner != null && !isSafeOwner(owner)) {
            throw new InvalidMessage(ErrorCode.INVALID_ID, "'owner' must be 1-128 characters of [A-Za-z0-9._@+-] starting"
                    + " with a letter or digit, got '" + clip(owner) + "'");
        }
        return owner;
    }

    /** The record as a JSON object of a schema version this worker speaks. */
    public static JsonNode object(byte[] value) throws InvalidMessage {
        if (value == null || value.length == 0) {
            throw new InvalidMessage(ErrorCode.NOT_JSON, "empty record value");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidMessage(ErrorCode.NOT_JSON, "record value is not UTF-8 text");
        }
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String why = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (why.startsWith("Duplicate field")) {
                throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "a request names a field twice: " + clip(why));
            }
            throw new InvalidMessage(ErrorCode.NOT_JSON, "record value is not JSON: " + clip(why));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "a request must be a JSON object, got " + kind(root));
        }
        JsonNode version = root.get("schemaVersion");
        if (version != null && !version.isNull()) {
            if (!version.isIntegralNumber()) {
                throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'schemaVersion' must be an integer, got " + kind(version));
            }
            if (!version.canConvertToInt() || version.intValue() != SCHEMA_VERSION) {
                throw new InvalidMessage(ErrorCode.UNSUPPORTED_SCHEMA_VERSION,
                        "schemaVersion " + clip(version.asText()) + " is not supported (this worker reads " + SCHEMA_VERSION + ")");
            }
        }
        return root;
    }

    private static String id(JsonNode root, String field) throws InvalidMessage {
        String id = requiredText(root, field, field);
        if (!isSafeId(id)) {
            throw new InvalidMessage(ErrorCode.INVALID_ID,
                    "'" + field + "' must be 1-128 characters of [A-Za-z0-9_-] starting with a letter or digit, got '" + clip(id) + "'");
        }
        return id;
    }

    private static String requiredText(JsonNode parent, String field, String path) throws InvalidMessage {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidMessage(ErrorCode.MISSING_FIELD, "missing field '" + path + "'");
        }
        if (!node.isTextual()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'" + path + "' must be a string, got " + kind(node));
        }
        return node.textValue();
    }

    private static String optionalText(JsonNode parent, String field, String path) throws InvalidMessage {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'" + path + "' must be a string, got " + kind(node));
        }
        return node.textValue();
    }

    private static Double optionalNumber(JsonNode parent, String field, String path) throws InvalidMessage {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isNumber()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'" + path + "' must be a number, got " + kind(node));
        }
        return node.doubleValue();
    }

    private static Boolean optionalBoolean(JsonNode parent, String field, String path) throws InvalidMessage {
        JsonNode node = parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            throw new InvalidMessage(ErrorCode.INVALID_MESSAGE, "'" + path + "' must be true or false, got " + kind(node));
        }
        return node.booleanValue();
    }

    private static String kind(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    /** Reasons quote user input: short (a caption may be a megabyte) and without control characters. */
    public static String clip(String text) {
        return LogSafe.text(text);
    }
}
