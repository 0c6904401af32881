package io.recaption.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.UUID;

/** Request JSON for the worker tests (DESIGN §5). */
final class Requests {

    static final ObjectMapper JSON = new ObjectMapper();

    private Requests() {}

    static String newId(String what) {
        return what + "-" + UUID.randomUUID();
    }

    static ObjectNode inversion(String requestId, String bucket, String key, String caption) {
        ObjectNode request = JSON.createObjectNode();
        request.put("schemaVersion", 1);
        request.put("requestId", requestId);
        ObjectNode image = request.putObject("image");
        if (bucket != null) {
            image.put("bucket", bucket);
        }
        image.put("key", key);
        request.put("caption", caption);
        request.putObject("options").put("steps", 10);
        return request;
    }

    static ObjectNode edit(String editId, String inversionId, String caption) {
        ObjectNode request = JSON.createObjectNode();
        request.put("schemaVersion", 1);
        request.put("editId", editId);
        request.put("inversionId", inversionId);
        request.put("caption", caption);
        return request;
    }
}
