package io.recaption.lab.shapes;

/**
 * The shape classes of the world and their geometry in a unit box: local coordinates
 * {@code u} (rightwards) and {@code v} (downwards) run over [−0.5, 0.5] across the shape's side.
 */
public enum ShapeKind {
    /** Diameter = side; area π/4 of the box. */
    CIRCLE("circle", Math.PI / 4),
    /** Fills the box. */
    SQUARE("square", 1.0),
    /** Isosceles, apex up at the top centre, base along the bottom edge; half the box. */
    TRIANGLE("triangle", 0.5),
    /** The box's edge midpoints joined (a square on its corner); half the box. */
    DIAMOND("diamond", 0.5);

    private final String word;
    private final double areaFraction;

    ShapeKind(String word, double areaFraction) {
        this.word = word;
        this.areaFraction = areaFraction;
    }

    public String word() {
        return word;
    }

    /** The shape's area as a fraction of its bounding box (side²). */
    public double areaFraction() {
        return areaFraction;
    }

    /** Whether the point (u, v) of the unit box, centred on the shape, lies inside it. */
    public boolean contains(double u, double v) {
        return switch (this) {
            case CIRCLE -> u * u + v * v <= 0.25;
            case SQUARE -> Math.abs(u) <= 0.5 && Math.abs(v) <= 0.5;
            // the half-width grows linearly from 0 at the apex (v = −0.5) to 0.5 at the base (v = 0.5)
            case TRIANGLE -> v >= -0.5 && v <= 0.5 && Math.abs(u) <= (v + 0.5) / 2;
            case DIAMOND -> Math.abs(u) + Math.abs(v) <= 0.5;
        };
    }
}
