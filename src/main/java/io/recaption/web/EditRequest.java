package io.recaption.web;

import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.RequestReader;
import java.util.List;
import java.util.Map;

/**
 * Body of {@code POST /api/edits}: the edited caption of a finished inversion, with per-word emphasis
 * (1 = unchanged), LocalBlend words (the region that may change; the rest is kept), the words whose region is
 * kept within it ({@code localBlendExcept}) and the Prompt-to-Prompt fractions. Absent options take the worker's defaults ({@code recaption.edit.*}).
 */
public record EditRequest(String inversionId, String caption, Map<String, Double> emphasis, List<String> localBlend,
        List<String> localBlendExcept, Double crossReplaceSteps, Double selfReplaceSteps) {

    public EditRequest {
        if (inversionId == null) {
            throw ApiException.badRequest(ErrorCode.MISSING_FIELD, "missing field 'inversionId'");
        }
        if (!RequestReader.isSafeId(inversionId)) {
            throw ApiException.badRequest(ErrorCode.INVALID_ID, "inversionId must be 1-128 characters of [A-Za-z0-9_-]"
                    + " starting with a letter or digit");
        }
    }
}
