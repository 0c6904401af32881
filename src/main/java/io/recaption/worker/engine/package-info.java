/**
 * The adapter between the worker and the pipeline: {@link io.recaption.worker.engine.JobEngine} and its Stable
 * Diffusion implementation (the model loaded once, in the background), the captioner, progress by phase, input
 * image checks before decoding, and the engine's refusals as the protocol's error codes. Uses no other room.
 */
package io.recaption.worker.engine;
