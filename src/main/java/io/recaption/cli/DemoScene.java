package io.recaption.cli;

import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.NamedColour;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.RgbImage;
import io.recaption.lab.shapes.Scene;
import io.recaption.lab.shapes.SceneCheck;
import io.recaption.lab.shapes.SceneDetector;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.Shape;
import io.recaption.lab.shapes.ShapeCheck;
import io.recaption.lab.shapes.ShapeKind;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The demo's photo: a shapes-world scene drawn from its caption (so its truth is known), the two edits the
 * demo asks for — the first shape's colour swapped, then its kind — and what the world's detectors read in
 * an edited image.
 */
final class DemoScene {

    static final String DEFAULT_CAPTION = "a blue triangle below a small yellow circle on a green background";

    /** An edit the demo requests: the edited caption, LocalBlend's words, and the scene the caption describes. */
    record Edit(String name, String caption, List<String> blendWords, Scene expected) {}

    private final SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
    private final RenderedScene source;

    private DemoScene(Scene scene) {
        this.source = renderer.render(scene);
    }

    /** The scene a caption of the grammar describes; {@link IllegalArgumentException} names a word outside it. */
    static DemoScene of(String caption) {
        return new DemoScene(CaptionGrammar.parse(caption));
    }

    String caption() {
        return source.caption();
    }

    byte[] png() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(source.image().toBufferedImage(), "png", bytes);
        return bytes.toByteArray();
    }

    /** Colour swap and shape swap of the first shape, each blended on the shape's words. */
    List<Edit> edits() {
        Scene scene = source.scene();
        Shape first = scene.shapes().get(0);
        NamedColour colour = List.of(NamedColour.GREEN, NamedColour.YELLOW, NamedColour.BLUE, NamedColour.RED,
                NamedColour.PURPLE, NamedColour.ORANGE).stream()
                .filter(c -> c != scene.background() && scene.shapes().stream().noneMatch(s -> s.colour() == c))
                .findFirst().orElseThrow();
        ShapeKind kind = List.of(ShapeKind.SQUARE, ShapeKind.CIRCLE, ShapeKind.TRIANGLE).stream()
                .filter(k -> k != first.kind()).findFirst().orElseThrow();
        Scene recoloured = scene.withShape(0, s -> s.withColour(colour));
        Scene reshaped = scene.withShape(0, s -> s.withKind(kind));
        return List.of(
                new Edit("colour-swap", CaptionGrammar.caption(recoloured), List.of(first.kind().word()), recoloured),
                new Edit("shape-swap", CaptionGrammar.caption(reshaped),
                        List.of(first.kind().word(), kind.word()), reshaped));
    }

    /** What the detectors read in an edited image, against the edit's caption. */
    String check(Edit edit, Path image) throws IOException {
        BufferedImage read = ImageIO.read(image.toFile());
        if (read == null) {
            return "not an image: " + image;
        }
        SceneCheck check = SceneDetector.defaults().read(RgbImage.of(read), renderer.render(edit.expected()));
        StringBuilder line = new StringBuilder(check.matches() ? "matches" : "does not match");
        line.append(" \"").append(edit.caption()).append("\" (background ")
                .append(check.background().colour().word());
        for (ShapeCheck shape : check.shapes()) {
            line.append(String.format(Locale.ROOT, "; %s read as %s %s", describe(shape.expected()),
                    shape.colour().colour().word(), shape.shape().map(s -> s.kind().word()).orElse("nothing")));
        }
        return line.append(')').toString();
    }

    private static String describe(Shape shape) {
        return shape.colour().word() + " " + shape.kind().word();
    }
}
