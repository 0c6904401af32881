package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/** What one training step minimises: a scalar loss computed in {@code scope}, gradients flowing to the parameters. */
public interface Objective {

    /** The loss of step {@code step} ([] scalar), created in {@code scope}. */
    NDArray loss(long step, NDManager scope);

    /** The trained weights. */
    Parameters parameters();
}
