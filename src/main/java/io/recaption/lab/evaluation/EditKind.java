package io.recaption.lab.evaluation;

import java.util.List;

/** The caption edits the evaluation makes, by their {@code quality.json} keys. */
public enum EditKind {
    /** One shape's colour word swapped for another colour (not the background's). */
    COLOUR_SWAP("colourSwap", true),
    /** One shape's kind word swapped for another kind. */
    SHAPE_SWAP("shapeSwap", true),
    /** The background's colour word swapped for a colour no shape has. */
    BACKGROUND_SWAP("backgroundSwap", false),
    /** "big" or "small" added before a medium shape (medium is the size the grammar leaves unsaid). */
    ADDED_ADJECTIVE("addedAdjective", true),
    /** Emphasis up: the same caption with one shape's colour word weighted ×{@link EditCase#EMPHASIS_FACTOR}. */
    EMPHASIS("emphasis", false),
    /** Emphasis down: the same caption with one shape's colour word weighted ×{@link EditCase#EMPHASIS_DOWN_FACTOR}. */
    EMPHASIS_DOWN("emphasisDown", false);

    private final String key;
    private final boolean localBlend;

    EditKind(String key, boolean localBlend) {
        this.key = key;
        this.localBlend = localBlend;
    }

    public String key() {
        return key;
    }

    /** Whether the edit is also run with a LocalBlend on the edited shape's words (the shape edits). */
    public boolean localBlend() {
        return localBlend;
    }

    public static List<EditKind> all() {
        return List.of(values());
    }
}
