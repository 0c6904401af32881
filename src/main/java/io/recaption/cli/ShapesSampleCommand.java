package io.recaption.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.Mask;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import io.recaption.lab.shapes.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code shapes-sample}: draw scenes of the shapes world with their captions and ground truth, to look at. */
@Command(name = "shapes-sample", mixinStandardHelpOptions = true,
        description = "Draw seeded scenes of the synthetic shapes world: writes NNNN.png per scene, its shapes' "
                + "coverage masks as masks/NNNN-K.png (grey = coverage), and scenes.json (caption, background, "
                + "each shape's kind, colour, size, position, RGB, mask area and exact area).")
public class ShapesSampleCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--count", defaultValue = "16", description = "how many scenes (default: ${DEFAULT-VALUE})")
    int count;

    @Option(names = "--first", defaultValue = "0",
            description = "index of the first scene; scene i depends only on the seed and i (default: ${DEFAULT-VALUE})")
    long first;

    @Option(names = "--size", defaultValue = "64", description = "image side in pixels (default: ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--supersample", defaultValue = "8",
            description = "anti-aliasing samples per pixel side (default: ${DEFAULT-VALUE})")
    int supersample;

    @Option(names = "--out", required = true, description = "output folder")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || size < 16 || supersample < 1) {
            throw new ParameterException(spec.commandLine(),
                    "--count must be at least 1, --size at least 16 and --supersample at least 1");
        }
        SceneSampler sampler = new SceneSampler(SceneDistribution.defaults(), seed);
        SceneRenderer renderer = new SceneRenderer(new RenderSettings(size, supersample));
        Files.createDirectories(out.resolve("masks"));
        ObjectNode root = JSON.createObjectNode();
        root.put("seed", seed);
        root.put("size", size);
        root.put("supersample", supersample);
        root.set("words", JSON.valueToTree(CaptionGrammar.words()));
        ArrayNode scenes = root.putArray("scenes");
        for (long index = first; index < first + count; index++) {
            RenderedScene rendered = renderer.render(sampler.scene(index));
            String name = String.format(Locale.ROOT, "%04d", index);
            ImageIO.write(rendered.image().toBufferedImage(), "png", out.resolve(name + ".png").toFile());
            ObjectNode scene = scenes.addObject();
            scene.put("index", index);
            scene.put("image", name + ".png");
            scene.put("caption", rendered.caption());
            scene.put("background", rendered.scene().background().word());
            ArrayNode shapes = scene.putArray("shapes");
            for (int k = 0; k < rendered.masks().size(); k++) {
                Shape shape = rendered.scene().shapes().get(k);
                Mask mask = rendered.masks().get(k);
                String maskFile = "masks/" + name + "-" + k + ".png";
                ImageIO.write(grey(mask), "png", out.resolve(maskFile).toFile());
                ObjectNode s = shapes.addObject();
                s.put("kind", shape.kind().word());
                s.put("colour", shape.colour().word());
                s.put("size", shape.size().name().toLowerCase(Locale.ROOT));
                s.put("position", shape.position().name().toLowerCase(Locale.ROOT));
                s.set("rgb", JSON.valueToTree(shape.colour().rgb()));
                s.put("mask", maskFile);
                s.put("maskArea", mask.area());
                s.put("exactArea", renderer.settings().areaPixels(shape));
            }
        }
        JSON.writerWithDefaultPrettyPrinter().writeValue(out.resolve("scenes.json").toFile(), root);
        System.out.printf("wrote %d scenes (seed %d, %d×%d) to %s%n", count, seed, size, size, out.toAbsolutePath());
        return 0;
    }

    private static BufferedImage grey(Mask mask) {
        BufferedImage image = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                int v = Math.round(mask.at(y * mask.width() + x) * 255);
                image.getRaster().setSample(x, y, 0, v);
            }
        }
        return image;
    }
}
