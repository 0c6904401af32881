package io.recaption.lab.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import java.util.ArrayList;
import java.util.List;

/**
 * Training batches from the shapes world: batch {@code n} holds scenes {@code n·B … n·B + B − 1} of a
 * seeded {@link SceneSampler}, so every batch is fresh (no epochs) and depends only on the seed and its
 * number, which is what makes a resumed run see the same data as an uninterrupted one.
 */
public final class ShapesBatches {

    /** B images as [B, 3, H, W] values in [−1, 1] (channel planes), and their captions. */
    public record Batch(float[] pixels, List<String> captions, int imageSize) {

        public int size() {
            return captions.size();
        }

        /** The pixels as a libtorch-owned array in {@code manager} (convolution backward keeps its input). */
        public NDArray pixels(NDManager manager) {
            try (NDArray wrapped = manager.create(pixels, new Shape(size(), 3, imageSize, imageSize))) {
                return wrapped.duplicate();
            }
        }
    }

    private final SceneSampler sampler;
    private final SceneRenderer renderer;

    public ShapesBatches(long seed, RenderSettings settings) {
        this.sampler = new SceneSampler(SceneDistribution.defaults(), seed);
        this.renderer = new SceneRenderer(settings);
    }

    public Batch batch(long number, int size) {
        int imageSize = renderer.settings().size();
        int plane = 3 * imageSize * imageSize;
        float[] pixels = new float[size * plane];
        List<String> captions = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            RenderedScene scene = renderer.render(sampler.scene(number * size + i));
            float[] rgb = scene.image().pixels();
            for (int j = 0; j < plane; j++) {
                // [0, 1] → [−1, 1], the VAE's input range
                pixels[i * plane + j] = rgb[j] * 2f - 1f;
            }
            captions.add(scene.caption());
        }
        return new Batch(pixels, captions, imageSize);
    }
}
