package io.recaption.web;

import jakarta.ws.rs.core.Response;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/** Streams an image object to the browser; a job's images never change once written, so they may be cached. */
final class Images {

    private Images() {}

    static Optional<Response> stream(WebStore store, String bucket, String key) {
        Optional<ResponseInputStream<GetObjectResponse>> object = store.open(bucket, key);
        return object.map(in -> {
            GetObjectResponse meta = in.response();
            String type = meta.contentType() != null && meta.contentType().startsWith("image/") ? meta.contentType() : "image/png";
            return Response.ok(in, type)
                    .header("Content-Length", meta.contentLength())
                    .header("Cache-Control", "private, max-age=86400, immutable")
                    .build();
        });
    }
}
