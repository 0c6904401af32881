package io.recaption.lab.shapes;

import java.util.Optional;

/**
 * Where a shape's centre sits, as fractions of the image's width and height. Left/right and
 * top/bottom are placed so that two big shapes side by side keep a gap (0.06 of the side).
 */
public enum Position {
    CENTER(null, 0.50, 0.50),
    LEFT("left", 0.26, 0.50),
    RIGHT("right", 0.74, 0.50),
    TOP("top", 0.50, 0.26),
    BOTTOM("bottom", 0.50, 0.74);

    private final String word;
    private final double x;
    private final double y;

    Position(String word, double x, double y) {
        this.word = word;
        this.x = x;
        this.y = y;
    }

    /** The word a one-shape caption uses ("at the left"); empty for the centre, which captions do not name. */
    public Optional<String> word() {
        return Optional.ofNullable(word);
    }

    public double x() {
        return x;
    }

    public double y() {
        return y;
    }
}
