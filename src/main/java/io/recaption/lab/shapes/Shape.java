package io.recaption.lab.shapes;

import java.util.Objects;

/** One shape of a scene. */
public record Shape(ShapeKind kind, NamedColour colour, ShapeSize size, Position position) {

    public Shape {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(colour, "colour");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(position, "position");
    }

    public Shape withKind(ShapeKind newKind) {
        return new Shape(newKind, colour, size, position);
    }

    public Shape withColour(NamedColour newColour) {
        return new Shape(kind, newColour, size, position);
    }

    public Shape withSize(ShapeSize newSize) {
        return new Shape(kind, colour, newSize, position);
    }
}
