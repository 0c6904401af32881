package io.recaption.lab.shapes;

import java.util.List;

/**
 * Renders scenes with anti-aliasing by supersampling: each shape's coverage is the share of a
 * regular grid of point samples per pixel inside it, and a pixel mixes the shapes' colours and the
 * background's by coverage. Later shapes are drawn over earlier ones (a valid scene's shapes never
 * overlap: opposite positions keep even two big shapes 0.06 of the image apart).
 */
public final class SceneRenderer {

    private final RenderSettings settings;

    public SceneRenderer(RenderSettings settings) {
        this.settings = settings;
    }

    public RenderSettings settings() {
        return settings;
    }

    public RenderedScene render(Scene scene) {
        int size = settings.size();
        int plane = size * size;
        List<Shape> shapes = scene.shapes();
        int count = shapes.size();
        float[][] coverage = new float[count][];
        float[] covered = new float[plane];
        for (int k = count - 1; k >= 0; k--) {
            Shape shape = shapes.get(k);
            float[] own = ShapeRaster.coverage(shape.kind(), shape.position().x() * size, shape.position().y() * size,
                    shape.size().side() * size, size, size, settings.supersample());
            for (int i = 0; i < plane; i++) {
                // what the shapes drawn later leave visible
                own[i] = Math.min(own[i], 1f - covered[i]);
                covered[i] += own[i];
            }
            coverage[k] = own;
        }
        float[] background = scene.background().rgb();
        float[][] colours = new float[count][];
        for (int k = 0; k < count; k++) {
            colours[k] = shapes.get(k).colour().rgb();
        }
        float[] pixels = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < plane; i++) {
                float value = (1f - covered[i]) * background[c];
                for (int k = 0; k < count; k++) {
                    value += coverage[k][i] * colours[k][c];
                }
                pixels[c * plane + i] = value;
            }
        }
        Mask[] masks = new Mask[count];
        for (int k = 0; k < count; k++) {
            masks[k] = new Mask(size, size, coverage[k]);
        }
        return new RenderedScene(scene, new RgbImage(size, size, pixels), List.of(masks));
    }
}
