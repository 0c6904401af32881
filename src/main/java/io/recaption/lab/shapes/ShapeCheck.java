package io.recaption.lab.shapes;

import java.util.Optional;

/**
 * What an image shows where a scene expects a shape: the colour inside the expected mask, and the
 * segmented region lying most on that mask with the shape read from its geometry (empty when no
 * region overlaps the mask: the shape is missing).
 */
public record ShapeCheck(Shape expected, ColourReading colour, Optional<Region> region, Optional<ShapeReading> shape) {

    /** The colour inside the expected mask is the expected one. */
    public boolean colourMatches() {
        return colour.colour() == expected.colour();
    }

    /**
     * The segmented shape's own colour is the expected one: the colour check that does not depend
     * on the shape's outline (a red triangle drawn where a red square was asked has the right
     * region colour, while the square's mask also holds background).
     */
    public boolean regionColourMatches() {
        return region.map(r -> r.colour().colour() == expected.colour()).orElse(false);
    }

    public boolean kindMatches() {
        return shape.map(s -> s.kind() == expected.kind()).orElse(false);
    }

    public boolean sizeMatches() {
        return shape.map(s -> s.size() == expected.size()).orElse(false);
    }

    /** Kind and colour inside the mask (the caption's nouns and colour adjectives); size is checked apart. */
    public boolean matches() {
        return colourMatches() && kindMatches();
    }
}
