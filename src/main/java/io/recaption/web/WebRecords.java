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

    /** Whether a record belongs to {@code owner}: records written before owners belong to nobody (closed). */
    static boolean ownedBy(String recordOwner, String owner) {
        return recordOwner != null && recordOwner.equals(owner);
    }

    private WebRecords() {}

    /**
     * An inversion as requested: its photo (for input.png) and caption (shown before the manifest exists), and who
     * asked (the API serves it, its images and its edits to that caller only).
     */
    public record Inversion(int schemaVersion, String inversionId, InversionRequest.Image image, String caption,
            InversionRequest.Options options, String createdAt, String owner) {}

    /** An edit as accepted, its options with the worker's defaults filled in (the history restores them). */
    public record Edit(int schemaVersion, String editId, String inversionId, String caption, Map<String, Double> emphasis,
            List<String> localBlend, List<String> localBlendExcept, double crossReplaceSteps, double selfReplaceSteps,
            String createdAt, String owner) {

        public Edit {
            emphasis = emphasis == null ? Map.of() : Map.copyOf(emphasis);
            localBlend = localBlend == null ? List.of() : List.copyOf(localBlend);
            // records written before the field existed have none
            localBlendExcept = localBlendExcept == null ? List.of() : List.copyOf(localBlendExcept);
        }
    }
}
