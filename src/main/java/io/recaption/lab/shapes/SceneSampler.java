package io.recaption.lab.shapes;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Draws scenes from a {@link SceneDistribution}, seeded. Scene {@code index} depends only on the
 * seed and the index (each index gets its own random stream), so a data set, a held-out split or a
 * single scene can be drawn again in any order.
 */
public final class SceneSampler {

    private final SceneDistribution distribution;
    private final long seed;

    public SceneSampler(SceneDistribution distribution, long seed) {
        this.distribution = distribution;
        this.seed = seed;
    }

    public Scene scene(long index) {
        // a hashed per-index seed: SplittableRandom(seed + k·γ) streams would overlap shifted by one
        SplittableRandom random = new SplittableRandom(new SplittableRandom(index).nextLong() ^ seed);
        NamedColour background = pick(random, distribution.backgrounds());
        if (random.nextDouble() < distribution.twoShapeShare()) {
            Relation relation = pick(random, distribution.relations());
            return Scene.of(background, shape(random, background, relation.first()),
                    shape(random, background, relation.second()));
        }
        return Scene.of(background, shape(random, background, pick(random, distribution.singlePositions())));
    }

    private Shape shape(SplittableRandom random, NamedColour background, Position position) {
        ShapeKind kind = pick(random, distribution.kinds());
        List<NamedColour> visible = distribution.shapeColours().stream().filter(c -> c != background).toList();
        NamedColour colour = pick(random, visible);
        ShapeSize size = pick(random, distribution.sizes());
        return new Shape(kind, colour, size, position);
    }

    private static <T> T pick(SplittableRandom random, List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
