package io.recaption.worker;

/** An input image object; both parts validated (allowed bucket, safe key). */
public record ImageRef(String bucket, String key) {}
