package io.recaption.lab.evaluation;

import java.util.List;

/**
 * The caption edits the evaluation makes, by their {@code quality.json} keys. Each is made twice: as it is, and with
 * a LocalBlend ({@link EditCase#blendWords}: the edited shape's kind word(s) for the shape and emphasis edits, the
 * background's old and new colour words and "background" for the background swap, with every shape's kind word
 * taken out of that region: {@link EditCase#blendExceptWords}).
 */
public enum EditKind {
    /** One shape's colour word swapped for another colour (not the background's). */
    COLOUR_SWAP("colourSwap"),
    /** One shape's kind word swapped for another kind. */
    SHAPE_SWAP("shapeSwap"),
    /** The background's colour word swapped for a colour no shape has. */
    BACKGROUND_SWAP("backgroundSwap"),
    /** "big" or "small" added before a medium shape (medium is the size the grammar leaves unsaid). */
    ADDED_ADJECTIVE("addedAdjective"),
    /** Emphasis up: the same caption with one shape's colour word weighted ×{@link EditCase#EMPHASIS_FACTOR}. */
    EMPHASIS("emphasis"),
    /** Emphasis down: the same caption with one shape's colour word weighted ×{@link EditCase#EMPHASIS_DOWN_FACTOR}. */
    EMPHASIS_DOWN("emphasisDown");

    private final String key;

    EditKind(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static List<EditKind> all() {
        return List.of(values());
    }
}
