package io.recaption.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.recaption.Fixtures;
import io.recaption.model.weights.Snapshot;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** Tests on tiny-sd's UNet and the reference tensors, loaded once per test class. */
@Tag("conformance")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TinySdUnetTest {

    protected NDManager manager;
    protected Map<String, NDArray> cases;
    protected UNet2DConditionModel unet;

    @BeforeAll
    void load() {
        manager = NDManager.newBaseManager();
        cases = Fixtures.cases(manager);
        unet = UNet2DConditionModel.load(Snapshot.open(Fixtures.tinySd()), manager);
    }

    @AfterAll
    void close() {
        manager.close();
    }

    /** A copy of a reference tensor owned by {@code scope}, so that what the UNet derives from it lands there. */
    protected NDArray input(String name, NDManager scope) {
        NDArray reference = cases.get(name);
        return scope.create(reference.toFloatArray(), reference.getShape());
    }
}
