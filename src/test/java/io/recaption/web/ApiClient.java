package io.recaption.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/** The tests' HTTP client of the editor's API (JDK HttpClient, real sockets). */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final URI base;
    private final Map<String, String> headers;

    ApiClient(URI base, Map<String, String> headers) {
        this.base = base;
        this.headers = headers;
    }

    ApiClient(URI base) {
        this(base, Map.of());
    }

    HttpResponse<byte[]> send(String method, String path, String contentType, byte[] body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(90))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI base() {
        return base;
    }

    HttpResponse<byte[]> get(String path) {
        return send("GET", path, null, null);
    }

    HttpResponse<byte[]> postJson(String path, Object body) {
        try {
            return send("POST", path, "application/json", body instanceof String s ? s.getBytes() : JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JSON answer of a request that must have {@code status}. */
    static JsonNode json(HttpResponse<byte[]> response, int status) {
        JsonNode body = json(response);
        assertEquals(status, response.statusCode(), response.request().method() + " " + response.uri() + ": " + body);
        return body;
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError(response.uri() + " answered " + response.statusCode() + " without JSON: "
                    + new String(response.body()), e);
        }
    }

    /** Polls a JSON resource until {@code done} holds for it. */
    JsonNode await(String path, Predicate<JsonNode> done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = json(get(path), 200);
            if (done.test(last)) {
                return last;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        fail(path + " did not get there within " + timeout + "; last: " + last);
        return null;
    }

    static Predicate<JsonNode> finished() {
        return view -> {
            String state = view.path("status").path("state").asText();
            return state.equals("succeeded") || state.equals("failed");
        };
    }
}
