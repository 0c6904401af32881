package io.recaption.web;

import io.recaption.artifacts.ImageFiles;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.RequestReader;
import io.recaption.worker.RecaptionConfig;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/uploads}: a photo's bytes become an object under the uploads prefix, after the checks the worker
 * would make on it — the type read from the content (not the header's word for it), the byte limit (checked while
 * reading) and the pixel limit (from the header, before decoding: decompression bombs).
 */
@Path("/api/uploads")
@Tag(name = "caption editor")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class UploadResource {

    /** ImageIO's format names → the stored object's type and extension. */
    private static final Map<String, String> TYPES = Map.of("png", "image/png", "jpeg", "image/jpeg", "jpg", "image/jpeg",
            "bmp", "image/bmp", "gif", "image/gif", "webp", "image/webp");

    private final WebStore store;
    private final RecaptionConfig config;
    private final Caller caller;

    public UploadResource(WebStore store, RecaptionConfig config, Caller caller) {
        this.store = store;
        this.config = config;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Upload a photo (body: the image's bytes, Content-Type image/*)")
    @APIResponse(responseCode = "201", description = "stored: {bucket, key} for POST /api/inversions")
    @APIResponse(responseCode = "400", description = "NOT_AN_IMAGE: empty, or not PNG/JPEG/BMP/GIF")
    @APIResponse(responseCode = "413", description = "IMAGE_TOO_LARGE: more bytes or pixels than the worker accepts")
    @APIResponse(responseCode = "415", description = "UNSUPPORTED_MEDIA_TYPE: Content-Type is not image/*")
    public Response upload(@HeaderParam("Content-Type") String contentType, InputStream body) throws IOException {
        if (contentType == null || !contentType.strip().toLowerCase(Locale.ROOT).startsWith("image/")) {
            throw new ApiException(415, WebCode.UNSUPPORTED_MEDIA_TYPE,
                    "send the photo's bytes with Content-Type image/* (got " + (contentType == null ? "none" : RequestReader.clip(contentType))
                            + ")");
        }
        long maxBytes = config.limits().maxImageBytes();
        java.nio.file.Path file = Files.createTempFile("recaption-upload-", ".img");
        try {
            long size = copyAtMost(body, file, maxBytes);
            if (size > maxBytes) {
                throw new ApiException(413, ErrorCode.IMAGE_TOO_LARGE, "the upload has more than " + maxBytes + " bytes");
            }
            ImageFiles.Header header = inspect(file, maxBytes);
            String type = TYPES.get(header.format().toLowerCase(Locale.ROOT));
            if (type == null) {
                throw ApiException.badRequest(ErrorCode.NOT_AN_IMAGE, "images in " + header.format() + " are not accepted");
            }
            // under the caller's own folder: an inversion may name only its caller's uploads, and a role can be
            // confined to one owner's prefix
            String key = store.uploadsPrefix(caller.owner()) + UUID.randomUUID() + "." + type.substring("image/".length());
            store.putUpload(key, file, type);
            return Response.status(201).entity(new ApiResponses.Uploaded(store.uploadsBucket(), key)).build();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private ImageFiles.Header inspect(java.nio.file.Path file, long maxBytes) {
        try {
            return ImageFiles.inspect(file, new ImageFiles.Limits(maxBytes, config.limits().maxImagePixels()));
        } catch (InputRejectedException e) {
            boolean tooLarge = "IMAGE_TOO_LARGE".equals(e.code());
            throw new ApiException(tooLarge ? 413 : 400, tooLarge ? ErrorCode.IMAGE_TOO_LARGE : ErrorCode.NOT_AN_IMAGE,
                    e.getMessage());
        }
    }

    /** Copies up to {@code max + 1} bytes: more than {@code max} means too large, and the rest is never read. */
    private static long copyAtMost(InputStream in, java.nio.file.Path target, long max) {
        try (in; OutputStream out = Files.newOutputStream(target)) {
            byte[] buffer = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                total += n;
                if (total > max) {
                    return total;
                }
                out.write(buffer, 0, n);
            }
            return total;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
