package io.recaption.protocol;

/**
 * A validated edit request.
 *
 * @param owner who asked; null for a request without an owner. Only an inversion of the same owner is edited.
 */
public record EditJob(String editId, String inversionId, EditOptions options, String owner) {}
