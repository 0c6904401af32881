package io.recaption.model.vae;

import ai.djl.ndarray.NDArray;
import io.recaption.model.nn.Scope;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Runs one block's forward in a child scope of its input's manager so that the block's
 * intermediates (a decoder at 512×512 makes dozens of 128-channel full-resolution maps) are freed
 * when the block returns, and only the output stays, in the input's manager; and runs a sequence
 * of blocks, freeing each intermediate output as soon as the next block has consumed it.
 */
final class Scopes {

    private Scopes() {}

    /** {@code body(input)}, computed in a temporary sub-manager; the result is attached to the input's manager. */
    static NDArray within(NDArray input, UnaryOperator<NDArray> body) {
        try (Scope scope = Scope.below(input)) {
            return scope.exit(body.apply(scope.enter(input)));
        }
    }

    /**
     * Applies {@code stages} in order; every intermediate result is closed once the next stage has
     * used it, so a deep chain holds at most two block outputs at a time. The input is left alone.
     */
    static NDArray chain(NDArray input, List<UnaryOperator<NDArray>> stages) {
        NDArray h = input;
        for (UnaryOperator<NDArray> stage : stages) {
            NDArray next = stage.apply(h);
            if (h != input && next != h) {
                h.close();
            }
            h = next;
        }
        return h;
    }
}
