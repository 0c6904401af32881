package io.recaption.lab.shapes;

import java.util.List;

/**
 * How the first shape of a two-shape caption stands to the second ("a red circle at the left of a
 * blue square"), and the positions that this puts them at.
 */
public enum Relation {
    LEFT_OF(List.of("at", "the", "left", "of"), Position.LEFT, Position.RIGHT),
    RIGHT_OF(List.of("at", "the", "right", "of"), Position.RIGHT, Position.LEFT),
    ABOVE(List.of("above"), Position.TOP, Position.BOTTOM),
    BELOW(List.of("below"), Position.BOTTOM, Position.TOP);

    private final List<String> words;
    private final Position first;
    private final Position second;

    Relation(List<String> words, Position first, Position second) {
        this.words = words;
        this.first = first;
        this.second = second;
    }

    public List<String> words() {
        return words;
    }

    public Position first() {
        return first;
    }

    public Position second() {
        return second;
    }

    /** The relation that puts two shapes at these positions. */
    public static Relation of(Position first, Position second) {
        for (Relation relation : values()) {
            if (relation.first == first && relation.second == second) {
                return relation;
            }
        }
        throw new IllegalArgumentException("no relation puts two shapes at " + first + " and " + second
                + "; two shapes stand left/right or top/bottom of each other");
    }
}
