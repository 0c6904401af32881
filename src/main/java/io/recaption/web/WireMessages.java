package io.recaption.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.protocol.EditJob;
import io.recaption.protocol.InvalidMessage;
import io.recaption.protocol.InversionJob;
import io.recaption.protocol.JobFailure;
import io.recaption.protocol.RequestReader;
import io.recaption.protocol.RequestValidator;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * The Kafka messages the web publishes (DESIGN §5), judged before they are sent exactly as the worker will judge
 * them: the bytes go through the worker's own {@link RequestReader} and {@link RequestValidator}, so a request the
 * worker would dead-letter or fail on its values (empty or long caption, bad options, an emphasis word not in the
 * caption, ...) is refused here with the same code, and nothing that reaches Kafka is refused later for its shape.
 * (The reader's wire records are package-private to the worker; they are only passed from one to the other.)
 */
@ApplicationScoped
public class WireMessages {

    /** A message ready to publish and the job the worker will make of it. */
    public record Checked<J>(String message, J job) {}

    private final RequestValidator validator;
    private final ObjectMapper json;
    private final WebConfig config;

    public WireMessages(RequestValidator validator, ObjectMapper json, WebConfig config) {
        this.validator = validator;
        this.json = json;
        this.config = config;
    }

    /** {@code owner} is the caller the editor authenticated ({@link Caller}), never a value from the request's body. */
    public Checked<InversionJob> inversion(String inversionId, InversionRequest.Image image, String caption,
            InversionRequest.Options options, String owner) {
        ObjectNode message = json.createObjectNode();
        message.put("schemaVersion", RequestReader.SCHEMA_VERSION);
        message.put("requestId", inversionId);
        message.put("owner", owner);
        message.putObject("image").put("bucket", image.bucket()).put("key", image.key());
        if (caption != null) {
            message.put("caption", caption);
        }
        if (options != null) {
            message.set("options", withoutNulls(json.valueToTree(options)));
        }
        byte[] bytes = bytes(message);
        try {
            return new Checked<>(new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                    validator.inversion(RequestReader.inversion(bytes), config.modelCaptions()));
        } catch (InvalidMessage e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        } catch (JobFailure e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
    }

    public Checked<EditJob> edit(String editId, EditRequest request, String owner) {
        ObjectNode message = json.createObjectNode();
        message.put("schemaVersion", RequestReader.SCHEMA_VERSION);
        message.put("editId", editId);
        message.put("owner", owner);
        message.put("inversionId", request.inversionId());
        if (request.caption() != null) {
            message.put("caption", request.caption());
        }
        if (request.emphasis() != null) {
            message.set("emphasis", json.valueToTree(request.emphasis()));
        }
        if (request.localBlend() != null) {
            message.set("localBlend", json.valueToTree(request.localBlend()));
        }
        if (request.localBlendExcept() != null) {
            message.set("localBlendExcept", json.valueToTree(request.localBlendExcept()));
        }
        if (request.crossReplaceSteps() != null) {
            message.put("crossReplaceSteps", request.crossReplaceSteps());
        }
        if (request.selfReplaceSteps() != null) {
            message.put("selfReplaceSteps", request.selfReplaceSteps());
        }
        byte[] bytes = bytes(message);
        try {
            return new Checked<>(new String(bytes, java.nio.charset.StandardCharsets.UTF_8),
                    validator.edit(RequestReader.edit(bytes)));
        } catch (InvalidMessage e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        } catch (JobFailure e) {
            throw ApiException.badRequest(e.code(), e.getMessage());
        }
    }

    private static ObjectNode withoutNulls(ObjectNode node) {
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = node.fields(); it.hasNext(); ) {
            if (it.next().getValue().isNull()) {
                it.remove();
            }
        }
        return node;
    }

    private byte[] bytes(ObjectNode message) {
        try {
            return json.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
