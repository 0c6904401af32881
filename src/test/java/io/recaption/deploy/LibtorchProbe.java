package io.recaption.deploy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.LibUtils;

/**
 * Run in a child JVM by {@code ImageLibtorchLayoutTest} with the image's environment: loads the PyTorch
 * engine, computes one small sum, and prints where libtorch was loaded from.
 */
public final class LibtorchProbe {

    private LibtorchProbe() {}

    public static void main(String[] args) {
        Engine engine = Engine.getEngine("PyTorch");
        try (NDManager manager = NDManager.newBaseManager()) {
            float sum = manager.arange(10f).sum().getFloat();
            System.out.println("engine=" + engine.getVersion());
            System.out.println("libtorch=" + LibUtils.getLibtorchPath());
            System.out.println("sum=" + sum);
        }
    }
}
