package io.recaption.lab.shapes;

import java.util.Optional;

/**
 * Shape sizes: the side of the shape's bounding box as a fraction of the image side. The medium
 * size is the unsaid one: a caption without a size word means medium, so "adding an adjective"
 * (medium → small or big) is an edit with an exact target.
 */
public enum ShapeSize {
    SMALL("small", 0.20),
    MEDIUM(null, 0.30),
    BIG("big", 0.42);

    private final String word;
    private final double side;

    ShapeSize(String word, double side) {
        this.word = word;
        this.side = side;
    }

    /** The caption's size word; empty for the medium size, which captions do not name. */
    public Optional<String> word() {
        return Optional.ofNullable(word);
    }

    /** Bounding-box side / image side. */
    public double side() {
        return side;
    }
}
