package io.recaption.lab.shapes;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * A scene of the world: one or two shapes on a plain background. Both the image and the caption
 * are derived from it, so an edited scene is the exact ground truth of the edited caption.
 *
 * <p>Valid scenes only: no shape has the background's colour (it would be invisible), and two
 * shapes stand in one of the {@link Relation}s (left/right or top/bottom of each other), in
 * caption order.
 */
public record Scene(List<Shape> shapes, NamedColour background) {

    public Scene {
        Objects.requireNonNull(background, "background");
        shapes = List.copyOf(shapes);
        if (shapes.isEmpty() || shapes.size() > 2) {
            throw new IllegalArgumentException("a scene has one or two shapes, not " + shapes.size());
        }
        for (Shape shape : shapes) {
            if (shape.colour() == background) {
                throw new IllegalArgumentException("a " + shape.colour().word() + " " + shape.kind().word()
                        + " on a " + background.word() + " background would be invisible");
            }
        }
        if (shapes.size() == 2) {
            Relation.of(shapes.get(0).position(), shapes.get(1).position());
        }
    }

    public static Scene of(NamedColour background, Shape... shapes) {
        return new Scene(List.of(shapes), background);
    }

    /** How the first shape stands to the second; empty for a one-shape scene. */
    public Optional<Relation> relation() {
        return shapes.size() == 2
                ? Optional.of(Relation.of(shapes.get(0).position(), shapes.get(1).position()))
                : Optional.empty();
    }

    public Scene withBackground(NamedColour newBackground) {
        return new Scene(shapes, newBackground);
    }

    /** The scene with shape {@code index} changed, e.g. {@code withShape(0, s -> s.withColour(RED))}. */
    public Scene withShape(int index, UnaryOperator<Shape> edit) {
        List<Shape> edited = new ArrayList<>(shapes);
        edited.set(index, edit.apply(shapes.get(index)));
        return new Scene(edited, background);
    }
}
