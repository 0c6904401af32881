package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;

/**
 * The encoder's diagonal Gaussian posterior (diffusers' {@code DiagonalGaussianDistribution}),
 * not yet multiplied by the scaling factor.
 *
 * @param mean [B, latent, h, w]
 * @param logvar [B, latent, h, w], clamped to [-30, 20] as diffusers does
 */
public record LatentDistribution(NDArray mean, NDArray logvar) {}
