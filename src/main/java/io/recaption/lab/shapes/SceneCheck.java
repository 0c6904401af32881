package io.recaption.lab.shapes;

import java.util.List;

/** An image read against the scene it should show: the background outside the expected shapes, and each shape. */
public record SceneCheck(Scene expected, ColourReading background, List<ShapeCheck> shapes) {

    public SceneCheck {
        shapes = List.copyOf(shapes);
    }

    public boolean backgroundMatches() {
        return background.colour() == expected.background();
    }

    /** Background, and every shape's kind and colour. */
    public boolean matches() {
        return backgroundMatches() && shapes.stream().allMatch(ShapeCheck::matches);
    }
}
