package io.recaption.lab.evaluation;

import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.Mask;
import io.recaption.lab.shapes.NamedColour;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.Scene;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.Shape;
import io.recaption.lab.shapes.ShapeKind;
import io.recaption.lab.shapes.ShapeSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One edit of one scene with its ground truth: the source scene, the edited scene (the truth the
 * edited caption describes, re-rendered for its masks), the edited shape ({@code shapeIndex}, −1 for
 * the background), the edited caption, its emphasis, the words a LocalBlend would use (and those whose
 * region it would leave out: every shape's kind word for the background swap, so that the blend changes the
 * background around the shapes), and the kept region: the pixels the edit must not change.
 *
 * <p>Kept region: for a shape edit, everything farther than {@link #KEPT_MARGIN} pixels from the
 * edited shape's source and edited masks (so that SSIM windows, radius 5, lie wholly outside them);
 * for a background swap, the shapes' fully covered interiors shrunk by two pixels (a small shape's
 * interior is too narrow for five: its kept SSIM's windows also see the swapped background, so for
 * a background swap kept PSNR is the measure that reads the shapes alone).
 */
public record EditCase(EditKind kind, RenderedScene source, RenderedScene target, int shapeIndex,
        String editedCaption, Map<String, Float> emphasis, List<String> blendWords, List<String> blendExceptWords,
        Mask kept) {

    /** Emphasis factor of the emphasis edit ("emphasis up"). */
    public static final float EMPHASIS_FACTOR = 2f;
    /** Emphasis factor of "emphasis down": the colour word's attention removed (the strongest step down allowed). */
    public static final float EMPHASIS_DOWN_FACTOR = 0f;
    /** Pixels around an edited shape that are neither judged nor kept. */
    public static final int KEPT_MARGIN = 5;
    private static final int BACKGROUND_KEPT_EROSION = 2;

    /** Derives the edit of {@code kind} on {@code source}; the choices (which shape, which new word) come from {@code random}. */
    public static EditCase derive(EditKind kind, RenderedScene source, SceneRenderer renderer, SplittableRandom random) {
        Scene scene = source.scene();
        return switch (kind) {
            case COLOUR_SWAP -> {
                int k = random.nextInt(scene.shapes().size());
                Shape shape = scene.shapes().get(k);
                List<NamedColour> choices = new ArrayList<>();
                for (NamedColour colour : NamedColour.values()) {
                    if (colour != shape.colour() && colour != scene.background()) {
                        choices.add(colour);
                    }
                }
                NamedColour colour = choices.get(random.nextInt(choices.size()));
                yield shapeEdit(kind, source, renderer, k, scene.withShape(k, s -> s.withColour(colour)), Map.of(),
                        List.of(shape.kind().word()));
            }
            case SHAPE_SWAP -> {
                int k = random.nextInt(scene.shapes().size());
                Shape shape = scene.shapes().get(k);
                List<ShapeKind> choices = new ArrayList<>(List.of(ShapeKind.values()));
                choices.remove(shape.kind());
                ShapeKind newKind = choices.get(random.nextInt(choices.size()));
                yield shapeEdit(kind, source, renderer, k, scene.withShape(k, s -> s.withKind(newKind)), Map.of(),
                        List.of(shape.kind().word(), newKind.word()));
            }
            case ADDED_ADJECTIVE -> {
                List<Integer> medium = new ArrayList<>();
                for (int i = 0; i < scene.shapes().size(); i++) {
                    if (scene.shapes().get(i).size() == ShapeSize.MEDIUM) {
                        medium.add(i);
                    }
                }
                if (medium.isEmpty()) {
                    throw new IllegalArgumentException("no medium shape to add a size word to: \"" + source.caption()
                            + "\"");
                }
                int k = medium.get(random.nextInt(medium.size()));
                ShapeSize size = random.nextBoolean() ? ShapeSize.BIG : ShapeSize.SMALL;
                yield shapeEdit(kind, source, renderer, k, scene.withShape(k, s -> s.withSize(size)), Map.of(),
                        List.of(scene.shapes().get(k).kind().word()));
            }
            case EMPHASIS, EMPHASIS_DOWN -> {
                int k = random.nextInt(scene.shapes().size());
                Shape shape = scene.shapes().get(k);
                float factor = kind == EditKind.EMPHASIS ? EMPHASIS_FACTOR : EMPHASIS_DOWN_FACTOR;
                yield shapeEdit(kind, source, renderer, k, scene, Map.of(shape.colour().word(), factor),
                        List.of(shape.kind().word()));
            }
            case BACKGROUND_SWAP -> {
                List<NamedColour> choices = new ArrayList<>();
                for (NamedColour colour : NamedColour.values()) {
                    boolean onShape = scene.shapes().stream().anyMatch(s -> s.colour() == colour);
                    if (colour != scene.background() && !onShape) {
                        choices.add(colour);
                    }
                }
                NamedColour background = choices.get(random.nextInt(choices.size()));
                RenderedScene target = renderer.render(scene.withBackground(background));
                Mask kept = source.foreground().atLeast(0.999f).erode(BACKGROUND_KEPT_EROSION);
                List<String> shapeWords = scene.shapes().stream().map(s -> s.kind().word()).distinct().toList();
                yield new EditCase(kind, source, target, -1, target.caption(), Map.of(),
                        List.of(scene.background().word(), background.word(), "background"), shapeWords, kept);
            }
        };
    }

    private static EditCase shapeEdit(EditKind kind, RenderedScene source, SceneRenderer renderer, int k, Scene edited,
            Map<String, Float> emphasis, List<String> blendWords) {
        RenderedScene target = renderer.render(edited);
        Mask touched = source.masks().get(k).union(target.masks().get(k));
        Mask kept = touched.dilate(KEPT_MARGIN).support().complement();
        return new EditCase(kind, source, target, k, CaptionGrammar.caption(edited), emphasis, List.copyOf(blendWords),
                List.of(), kept);
    }
}
