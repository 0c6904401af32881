package io.recaption.web;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/edits/{id}} and an entry of an inversion's history: the edit's settings (as accepted, or as its
 * manifest records them), its state, and {@code imageUrl} once the image is written.
 */
public record EditView(String editId, String inversionId, JobState status, String caption, Map<String, Double> emphasis,
        List<String> localBlend, List<String> localBlendExcept, Double crossReplaceSteps, Double selfReplaceSteps, String createdAt, String imageUrl) {}
