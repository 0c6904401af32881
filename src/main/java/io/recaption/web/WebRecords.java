package io.recaption.web;

import java.util.List;
import java.util.Map;

/**
 * What the web keeps about the requests it accepted (JSON under {@code {artifacts prefix}web/}, see {@link WebStore}):
 * written once before the request is published, never rewritten.
 */
public final class WebRecords {

    /** Version of these records' JSON. */
    public static final int SCHEMA_VERSION = 1;

    private WebRecords() {}

    /** An inversion as requested: its photo (for input.png) and caption (shown before the manifest exists). */
    public record Inversion(int schemaVersion, String inversionId, InversionRequest.Image image, String caption,
            InversionRequest.Options options, String createdAt) {}

    /** An edit as accepted, its options with the worker's defaults filled in (the history restores them). */
    public record Edit(int schemaVersion, String editId, String inversionId, String caption, Map<String, Double> emphasis,
            List<String> localBlend, double crossReplaceSteps, double selfReplaceSteps, String createdAt) {

        public Edit {
            emphasis = emphasis == null ? Map.of() : Map.copyOf(emphasis);
            localBlend = localBlend == null ? List.of() : List.copyOf(localBlend);
        }
    }
}
