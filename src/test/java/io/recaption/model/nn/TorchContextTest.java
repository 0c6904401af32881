package io.recaption.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("unit")
class TorchContextTest {

    /** libtorch's own switch reads back off: it then never asks NNPACK, so it never logs that NNPACK refused. */
    @Test
    void nnpackIsOffInLibtorchItself() {
        assertEquals("NNPACK off", TorchContext.configure());
        assertFalse(TorchContext.nnpackEnabled().orElseThrow(), "at::globalContext().userEnabledNNPACK()");
    }
}
