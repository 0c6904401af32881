package io.recaption.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.model.weights.RandomWeights;
import io.recaption.model.weights.WeightMap;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Warm medians of group norm + SiLU, the layer-norm emulation against libtorch's native kernel through the
 * TorchScript seam, at the UNet's and the VAE's sizes (SD 1.5 at 512², batch 2 for the UNet's guidance pair),
 * interleaved so that both see the same machine:
 * {@code mvn -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.recaption.model.nn.GroupNormBench}
 */
public final class GroupNormBench {

    private GroupNormBench() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        long[][] shapes = {{2, 320, 64, 64}, {2, 640, 32, 32}, {2, 1280, 16, 16}, {1, 128, 512, 512}, {1, 512, 64, 64}};
        System.out.printf("%-22s %14s %14s %8s%n", "shape", "emulated ms", "native ms", "ratio");
        try (NDManager manager = NDManager.newBaseManager()) {
            for (long[] dims : shapes) {
                WeightMap weights = WeightMap.generating("norm", manager, new RandomWeights(1));
                GroupNorm norm = new GroupNorm(weights, 32, dims[1], 1e-5);
                NDArray x = manager.randomNormal(new Shape(dims));
                double[] emulated = new double[rounds];
                double[] fused = new double[rounds];
                time(x, in -> Activations.silu(norm.emulated(in)));
                time(x, norm::forwardSilu);
                for (int i = 0; i < rounds; i++) {
                    emulated[i] = time(x, in -> Activations.silu(norm.emulated(in)));
                    fused[i] = time(x, norm::forwardSilu);
                }
                double e = median(emulated);
                double f = median(fused);
                System.out.printf("%-22s %14.2f %14.2f %8.2f%n", Arrays.toString(dims), e, f, f / e);
            }
        }
    }

    private static double time(NDArray x, UnaryOperator<NDArray> layer) {
        try (NDManager scope = x.getManager().newSubManager()) {
            NDArray in = x.duplicate();
            in.attach(scope);
            long start = System.nanoTime();
            NDArray out = layer.apply(in);
            out.getShape(); // CPU ops run synchronously: the result exists when the call returns
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
