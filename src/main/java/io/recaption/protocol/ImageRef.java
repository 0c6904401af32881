package io.recaption.protocol;

/** An input image object; both parts validated (allowed bucket, safe key). */
public record ImageRef(String bucket, String key) {}
