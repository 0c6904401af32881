package io.recaption.worker;

/** A validated inversion request; the inversion's id is the request's id. */
public record InversionJob(String requestId, ImageRef image, String caption, InversionOptions options) {}
