package io.recaption.lab.evaluation;

import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.NamedColour;
import io.recaption.lab.shapes.Scene;
import io.recaption.lab.shapes.Shape;
import java.util.List;
import java.util.Optional;

/**
 * The whole chain on a photo that comes without a caption: the captioner's caption, inverted, then the table's
 * colour swap asked of it — the same shape turned the same new colour — by changing that shape's colour word in
 * the captioner's own words. The edited image is judged against the ground truth, as every edit of the table.
 *
 * <p>Which shape of the caption is the edited one: the one said with the edited shape's colour, kind and size;
 * failing that, with its colour and kind (two shapes may share those and differ in size); failing that, the shape said to stand where it stands; failing that, in a one-shape scene said with one shape, that
 * shape. (Colour and kind first: the captioner names them far more reliably than places, and a two-shape caption
 * with the relation reversed would otherwise point at the other shape.) A caption that cannot be parsed, or that names no such shape, cannot carry the edit: the chain fails.
 */
final class CaptionChain {

    /** The source and edited captions of the chain's word swap. */
    record Swap(String source, String edited) {}

    private CaptionChain() {}

    /** The captioner's caption {@code said} with the colour swap of {@code edit} applied, if it can carry it. */
    static Optional<Swap> colourSwap(String said, EditCase edit) {
        Scene saidScene;
        try {
            saidScene = CaptionGrammar.parse(said);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        Scene truth = edit.source().scene();
        Shape edited = truth.shapes().get(edit.shapeIndex());
        NamedColour colour = edit.target().scene().shapes().get(edit.shapeIndex()).colour();
        int j = find(saidScene.shapes(), edited, truth.shapes().size());
        if (j < 0 || saidScene.shapes().get(j).colour() == colour || saidScene.background() == colour) {
            return Optional.empty();
        }
        return Optional.of(new Swap(CaptionGrammar.caption(saidScene),
                CaptionGrammar.caption(saidScene.withShape(j, s -> s.withColour(colour)))));
    }

    private static int find(List<Shape> said, Shape edited, int truthShapes) {
        for (int j = 0; j < said.size(); j++) {
            if (said.get(j).colour() == edited.colour() && said.get(j).kind() == edited.kind()
                    && said.get(j).size() == edited.size()) {
                return j;
            }
        }
        for (int j = 0; j < said.size(); j++) {
            if (said.get(j).colour() == edited.colour() && said.get(j).kind() == edited.kind()) {
                return j;
            }
        }
        for (int j = 0; j < said.size(); j++) {
            if (said.get(j).position() == edited.position()) {
                return j;
            }
        }
        return said.size() == 1 && truthShapes == 1 ? 0 : -1;
    }
}
