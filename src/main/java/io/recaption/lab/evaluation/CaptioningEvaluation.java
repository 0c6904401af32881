package io.recaption.lab.evaluation;

import io.recaption.lab.shapes.CaptionGrammar;
import io.recaption.lab.shapes.RenderSettings;
import io.recaption.lab.shapes.RenderedScene;
import io.recaption.lab.shapes.Scene;
import io.recaption.lab.shapes.SceneDistribution;
import io.recaption.lab.shapes.SceneRenderer;
import io.recaption.lab.shapes.SceneSampler;
import io.recaption.lab.shapes.Shape;
import io.recaption.model.blip.BlipCaptioner;
import io.recaption.model.blip.CaptionOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * How well a captioner reads the shapes world: fresh scenes, captioned by the product's {@link BlipCaptioner}
 * (greedy, no prompt, as {@code caption} runs it), each caption parsed by the {@link CaptionGrammar} and compared
 * with the scene it was drawn from:
 * <ul>
 *   <li>{@code background}: the background colour named right;</li>
 *   <li>{@code shapes}: as many shapes as the scene has, and every one's colour and kind named right (compared
 *       as a multiset: a two-shape scene may be said in either order, "a red circle at the left of a blue
 *       square" being "a blue square at the right of a red circle");</li>
 *   <li>{@code scene}: the caption describes exactly the scene: background, and every shape's kind, colour,
 *       size and place (again in either order);</li>
 *   <li>{@code exact}: the caption is the grammar's caption of the scene, word for word — which for a
 *       two-shape scene also needs the order the sampler happened to draw, not visible in the image.</li>
 * </ul>
 * A caption the grammar cannot parse counts as wrong on every measure.
 */
public final class CaptioningEvaluation {

    /** One caption against its scene. */
    public record Reading(String truth, String caption, boolean parsed, boolean background, boolean shapes,
            boolean scene, boolean exact) {}

    /** Shares of the readings right on each measure. */
    public record Rates(int count, double parsed, double background, double shapes, double scene, double exact) {}

    private CaptioningEvaluation() {}

    /** Reads {@code caption} against {@code truth}. */
    public static Reading read(Scene truth, String caption) {
        String expected = CaptionGrammar.caption(truth);
        Scene said;
        try {
            said = CaptionGrammar.parse(caption);
        } catch (IllegalArgumentException e) {
            return new Reading(expected, caption, false, false, false, false, false);
        }
        boolean background = said.background() == truth.background();
        boolean shapes = sorted(said.shapes(), false).equals(sorted(truth.shapes(), false));
        boolean scene = background && sorted(said.shapes(), true).equals(sorted(truth.shapes(), true));
        return new Reading(expected, caption, true, background, shapes, scene, caption.strip().equals(expected));
    }

    /** Each shape as "colour kind" (with {@code all}: also size and place), sorted. */
    private static List<String> sorted(List<Shape> shapes, boolean all) {
        return shapes.stream()
                .map(s -> s.colour() + " " + s.kind() + (all ? " " + s.size() + " " + s.position() : ""))
                .sorted(Comparator.naturalOrder()).toList();
    }

    public static Rates rates(List<Reading> readings) {
        double n = readings.size();
        return new Rates(readings.size(), readings.stream().filter(Reading::parsed).count() / n,
                readings.stream().filter(Reading::background).count() / n,
                readings.stream().filter(Reading::shapes).count() / n,
                readings.stream().filter(Reading::scene).count() / n,
                readings.stream().filter(Reading::exact).count() / n);
    }

    /**
     * Captions scenes {@code 0 … count − 1} of a {@link SceneSampler} seeded with {@code seed} (the training run
     * draws its scenes from another stream); {@code log} gets each miss.
     */
    public static List<Reading> measure(BlipCaptioner captioner, long seed, int count, Consumer<String> log) {
        SceneSampler sampler = new SceneSampler(SceneDistribution.defaults(), seed);
        SceneRenderer renderer = new SceneRenderer(RenderSettings.defaults());
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            RenderedScene scene = renderer.render(sampler.scene(i));
            String caption = captioner.caption(scene.image().toBufferedImage(), CaptionOptions.defaults()).text();
            Reading reading = read(scene.scene(), caption);
            readings.add(reading);
            if (!reading.scene()) {
                log.accept(String.format(Locale.ROOT, "scene %d: \"%s\" read as \"%s\"", i, reading.truth(), caption));
            }
        }
        return readings;
    }

    /** The markdown table of the rates (header and one row). */
    public static String table(Rates rates) {
        return "| scenes | parsed | background | every shape's colour and kind | whole scene | word for word |\n"
                + "| --- | --- | --- | --- | --- | --- |\n"
                + String.format(Locale.ROOT, "| %d | %.3f | %.3f | %.3f | %.3f | %.3f |%n", rates.count(), rates.parsed(),
                        rates.background(), rates.shapes(), rates.scene(), rates.exact());
    }
}
