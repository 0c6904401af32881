/**
 * The wire contract that the worker, the caption editor and any client share (DESIGN §5): the request records
 * as read from Kafka ({@link io.recaption.protocol.RequestReader}: strict UTF-8 JSON, duplicate keys refused,
 * the schema version), the jobs they become and the rules that judge them ({@link io.recaption.protocol.RequestValidator} over
 * {@link io.recaption.protocol.RequestRules}, and what a job costs: {@link io.recaption.protocol.UnetBudget}), the events that answer them, the error codes, the request hash
 * that gives a request its content identity, and text made safe for logs. Plain Java and Jackson: no Kafka, S3,
 * Quarkus, CDI or DJL (the layering test asserts it), so a client can read and write the same records; of the
 * engine it names only the value types the pipeline's API exposes (the inversion method, the caption's source).
 */
package io.recaption.protocol;
