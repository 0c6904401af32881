package io.recaption.lab.evaluation;

import java.util.List;

/** The caption edits the evaluation makes, by their {@code quality.json} keys. */
public enum EditKind {
    /** One shape's colour word swapped for another colour (not the background's). */
    COLOUR_SWAP("colourSwap", true),
    /** One shape's kind word swapped for another kind. */
    SHAPE_SWAP("shapeSwap", true),
    /** The background's colour word swapped for a colour no shape has. */
    BACKGROUND_SWAP("backgroundSwap", true),
    /** "big" or "small" added before a medium shape (medium is the size the grammar leaves unsaid). */
    ADDED_ADJECTIVE("addedAdjective", true),
    /** Emphasis up: the same caption with one shape's colour word weighted ×{@link EditCase#EMPHASIS_FACTOR}. */
    EMPHASIS("emphasis", true),
    /** Emphasis down: the same caption with one shape's colour word weighted ×{@link EditCase#EMPHASIS_DOWN_FACTOR}. */
    EMPHASIS_DOWN("emphasisDown", true);

    private final String key;
    private final boolean localBlend;

    EditKind(String key, boolean localBlend) {
        this.key = key;
        this.localBlend = localBlend;
    }

    public String key() {
        return key;
    }

    /**
     * Whether the edit is also run with a LocalBlend: on the edited shape's kind word(s) for the shape edits and the
     * emphasis edits, on the background's old and new colour words and "background" for the background swap (its
     * mask is then the background: what it leaves out, the shapes, is kept from the photo). Every kind has one now.
     */
    public boolean localBlend() {
        return localBlend;
    }

    public static List<EditKind> all() {
        return List.of(values());
    }
}
