package io.recaption.lab.shapes;

import java.util.List;

/**
 * Which scenes the {@link SceneSampler} draws: each choice uniform over its list. A one-shape scene
 * puts its shape at one of {@code singlePositions}; a two-shape scene (with probability
 * {@code twoShapeShare}) puts its shapes in one of {@code relations}. A shape's colour is drawn from
 * {@code shapeColours} less the background's colour; two shapes may share a colour.
 */
public record SceneDistribution(
        double twoShapeShare,
        List<ShapeKind> kinds,
        List<NamedColour> shapeColours,
        List<NamedColour> backgrounds,
        List<ShapeSize> sizes,
        List<Position> singlePositions,
        List<Relation> relations) {

    public SceneDistribution {
        if (!(twoShapeShare >= 0 && twoShapeShare <= 1)) {
            throw new IllegalArgumentException("twoShapeShare must be in [0, 1], not " + twoShapeShare);
        }
        kinds = nonEmpty(kinds, "kinds");
        shapeColours = nonEmpty(shapeColours, "shapeColours");
        backgrounds = nonEmpty(backgrounds, "backgrounds");
        sizes = nonEmpty(sizes, "sizes");
        singlePositions = nonEmpty(singlePositions, "singlePositions");
        relations = nonEmpty(relations, "relations");
        for (NamedColour background : backgrounds) {
            if (shapeColours.stream().allMatch(c -> c == background)) {
                throw new IllegalArgumentException("no shape colour is visible on a " + background.word() + " background");
            }
        }
    }

    /** Everything the grammar can say: half the scenes with two shapes. */
    public static SceneDistribution defaults() {
        return new SceneDistribution(0.5, List.of(ShapeKind.values()), List.of(NamedColour.values()),
                List.of(NamedColour.values()), List.of(ShapeSize.values()), List.of(Position.values()),
                List.of(Relation.values()));
    }

    private static <T> List<T> nonEmpty(List<T> values, String name) {
        if (values == null || values.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return List.copyOf(values);
    }
}
