package io.recaption.web;

/**
 * {@code GET /api/inversions/{id}}: the job's state and, once it succeeded, the manifest's user-facing fields.
 * {@code inputUrl} is there when the photo was uploaded through this API; {@code reconstructionUrl} once done.
 */
public record InversionView(String inversionId, JobState status, String caption, Result result, String createdAt,
        String inputUrl, String reconstructionUrl) {

    /**
     * What the inversion achieved: the caption it used and who wrote it ({@code user} or {@code model}), its method
     * and steps, and the reconstruction's PSNR (dB).
     */
    public record Result(String caption, String captionSource, String method, Integer steps, Double psnr,
            Boolean captionTruncated, Double seconds) {}
}
