package io.recaption.model.vae;

import io.recaption.model.resnet.ResnetBlock2D;
import ai.djl.ndarray.NDArray;
import java.util.function.UnaryOperator;

/**
 * The normalisation and nonlinearity every block of diffusers' VAE shares: {@code norm_num_groups}
 * groups, eps 1e-6 (the {@code resnet_eps} that {@code Encoder}/{@code Decoder} pass to every
 * block), and the config's {@code act_fn}.
 */
record BlockStyle(int groups, double eps, UnaryOperator<NDArray> activation) {

    /** A resnet of this style: no time embedding, output scale 1. */
    ResnetBlock2D.Spec resnet(long inChannels, long outChannels) {
        return new ResnetBlock2D.Spec(inChannels, outChannels, 0, groups, eps, 1.0, activation);
    }
}
