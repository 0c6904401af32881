package io.recaption.worker;

/** A validated edit request. */
public record EditJob(String editId, String inversionId, EditOptions options) {}
