package io.recaption.web;

import java.util.List;

/** The small answers of the API. */
public final class ApiResponses {

    private ApiResponses() {}

    /** 201 to an upload: where the photo is, for the inversion request's {@code image}. */
    public record Uploaded(String bucket, String key) {}

    /** 202 to an inversion request: published; poll {@code GET /api/inversions/{inversionId}}. */
    public record InversionAccepted(String inversionId) {}

    /** 202 to an edit request: published; poll {@code GET /api/edits/{editId}}. */
    public record EditAccepted(String editId) {}

    /** An inversion's edits, newest first. */
    public record History(String inversionId, List<EditView> edits) {}
}
