package io.recaption.lab.shapes;

import java.util.List;

/**
 * A scene with its picture and ground truth: {@code masks.get(i)} is the visible coverage of
 * {@code scene.shapes().get(i)} (in [0, 1] per pixel), whose colour is that shape's colour.
 */
public record RenderedScene(Scene scene, RgbImage image, List<Mask> masks) {

    public RenderedScene {
        masks = List.copyOf(masks);
        if (masks.size() != scene.shapes().size()) {
            throw new IllegalArgumentException(masks.size() + " masks for " + scene.shapes().size() + " shapes");
        }
    }

    public String caption() {
        return CaptionGrammar.caption(scene);
    }

    /** Every shape's mask together (the foreground). */
    public Mask foreground() {
        Mask union = masks.get(0);
        for (int i = 1; i < masks.size(); i++) {
            union = union.union(masks.get(i));
        }
        return union;
    }
}
