package io.recaption.web;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.RequestReader;

/**
 * Body of {@code POST /api/inversions}: the uploaded photo, its caption (optional on the wire: a worker that can
 * caption photos fills it in; one that cannot refuses with CAPTION_REQUIRED, as this validator does unless
 * {@code recaption.captioner.path} is set here too) and the inversion options. The id is
 * generated unless given; giving one makes a retry idempotent. Values are judged as the worker judges them
 * ({@link WireMessages}); the shape is checked here, once.
 */
public record InversionRequest(String inversionId, Image image, String caption, Options options) {

    public InversionRequest {
        if (inversionId != null && !RequestReader.isSafeId(inversionId)) {
            throw ApiException.badRequest(ErrorCode.INVALID_ID, "inversionId must be 1-128 characters of [A-Za-z0-9_-]"
                    + " starting with a letter or digit");
        }
        if (image == null) {
            throw ApiException.badRequest(ErrorCode.MISSING_FIELD, "missing field 'image' ({\"key\": ...} from POST /api/uploads)");
        }
    }

    /** An uploaded photo: the key POST /api/uploads answered; the bucket defaults to the uploads bucket. */
    public record Image(String bucket, String key) {
        public Image {
            if (key == null || key.isBlank()) {
                throw ApiException.badRequest(ErrorCode.MISSING_FIELD, "missing field 'image.key'");
            }
        }
    }

    /** The worker's inversion options; absent ones take its defaults ({@code recaption.inversion.*}). */
    public record Options(String method, Double steps, Double guidanceScale, Double innerSteps, Double earlyStopEpsilon,
            Boolean truncateCaption) {}
}
