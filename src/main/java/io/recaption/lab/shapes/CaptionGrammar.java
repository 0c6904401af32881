package io.recaption.lab.shapes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The world's caption language, the one place its words are spelled. Lower case, words separated by
 * single spaces, no punctuation:
 *
 * <pre>
 * caption    = "a" shape [place] background
 *            | "a" shape relation "a" shape background
 * shape      = [size] colour kind
 * size       = "small" | "big"                            (no word: medium)
 * colour     = "red" | "green" | "blue" | "yellow" | "white" | "black" | "orange" | "purple"
 * kind       = "circle" | "square" | "triangle" | "diamond"
 * place      = "at the" ("left" | "right" | "top" | "bottom")   (no place: centre)
 * relation   = "at the left of" | "at the right of" | "above" | "below"
 * background = "on a" colour "background"
 * </pre>
 *
 * The article is always "a" (also before "orange"): a colour or shape swap then changes exactly one
 * word. A caption and a {@link Scene} determine each other ({@link #parse} inverts {@link #caption}).
 */
public final class CaptionGrammar {

    private CaptionGrammar() {}

    public static String caption(Scene scene) {
        List<String> words = new ArrayList<>();
        List<Shape> shapes = scene.shapes();
        words.add("a");
        addShape(words, shapes.get(0));
        Optional<Relation> relation = scene.relation();
        if (relation.isPresent()) {
            words.addAll(relation.get().words());
            words.add("a");
            addShape(words, shapes.get(1));
        } else {
            shapes.get(0).position().word().ifPresent(place -> {
                words.add("at");
                words.add("the");
                words.add(place);
            });
        }
        words.add("on");
        words.add("a");
        words.add(scene.background().word());
        words.add("background");
        return String.join(" ", words);
    }

    private static void addShape(List<String> words, Shape shape) {
        shape.size().word().ifPresent(words::add);
        words.add(shape.colour().word());
        words.add(shape.kind().word());
    }

    /** Every word the grammar uses, each once, in a fixed order (articles and function words first). */
    public static List<String> words() {
        Set<String> words = new LinkedHashSet<>(List.of("a", "at", "the", "of", "on", "background"));
        for (Relation relation : Relation.values()) {
            words.addAll(relation.words());
        }
        for (Position position : Position.values()) {
            position.word().ifPresent(words::add);
        }
        for (ShapeSize size : ShapeSize.values()) {
            size.word().ifPresent(words::add);
        }
        for (NamedColour colour : NamedColour.values()) {
            words.add(colour.word());
        }
        for (ShapeKind kind : ShapeKind.values()) {
            words.add(kind.word());
        }
        return List.copyOf(words);
    }

    /** The scene a caption describes; throws {@link IllegalArgumentException} naming the first word that does not fit. */
    public static Scene parse(String caption) {
        return new Parser(caption).caption();
    }

    /** A recursive-descent reader over the caption's words. */
    private static final class Parser {
        private final String caption;
        private final String[] words;
        private int next;

        Parser(String caption) {
            this.caption = caption;
            String trimmed = caption.trim().toLowerCase(Locale.ROOT);
            this.words = trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
        }

        Scene caption() {
            expect("a");
            Shape first = shape(Position.CENTER);
            Scene scene = null;
            for (Relation relation : Relation.values()) {
                if (scene == null && peekAll(relation.words())) {
                    next += relation.words().size();
                    scene = pair(first, relation);
                }
            }
            if (scene == null && peek("at")) {
                take();
                expect("the");
                Position place = word(Position.values(), p -> p.word().orElse(null), "left, right, top or bottom");
                if (peek("of")) {
                    throw error("'at the " + place.word().orElseThrow() + " of' is not a relation");
                }
                scene = Scene.of(background(), new Shape(first.kind(), first.colour(), first.size(), place));
            }
            if (scene == null) {
                if (!peek("on")) {
                    throw error("expected a relation, a place or 'on' after the shape");
                }
                scene = Scene.of(background(), first);
            }
            if (next < words.length) {
                throw error("words after the background");
            }
            return scene;
        }

        private boolean peekAll(List<String> sequence) {
            for (int k = 0; k < sequence.size(); k++) {
                if (next + k >= words.length || !words[next + k].equals(sequence.get(k))) {
                    return false;
                }
            }
            return true;
        }

        private Scene pair(Shape first, Relation relation) {
            expect("a");
            Shape second = shape(relation.second());
            NamedColour background = background();
            return Scene.of(background, new Shape(first.kind(), first.colour(), first.size(), relation.first()), second);
        }

        private Shape shape(Position position) {
            ShapeSize size = ShapeSize.MEDIUM;
            for (ShapeSize candidate : ShapeSize.values()) {
                if (candidate.word().isPresent() && peek(candidate.word().get())) {
                    take();
                    size = candidate;
                    break;
                }
            }
            NamedColour colour = word(NamedColour.values(), NamedColour::word, "a colour");
            ShapeKind kind = word(ShapeKind.values(), ShapeKind::word, "a shape");
            return new Shape(kind, colour, size, position);
        }

        private NamedColour background() {
            expect("on");
            expect("a");
            NamedColour colour = word(NamedColour.values(), NamedColour::word, "a colour");
            expect("background");
            return colour;
        }

        private <T> T word(T[] choices, Function<T, String> spelling, String what) {
            String word = take();
            for (T choice : choices) {
                if (word.equals(spelling.apply(choice))) {
                    return choice;
                }
            }
            next--;
            throw error("expected " + what);
        }

        private boolean peek(String word) {
            return next < words.length && words[next].equals(word);
        }

        private String take() {
            if (next >= words.length) {
                throw error("the caption ends early");
            }
            return words[next++];
        }

        private void expect(String word) {
            if (!peek(word)) {
                throw error("expected '" + word + "'");
            }
            next++;
        }

        private IllegalArgumentException error(String why) {
            String at = next < words.length ? "at word " + (next + 1) + " '" + words[next] + "'" : "at the end";
            return new IllegalArgumentException("not a shapes-world caption (" + why + ", " + at + "): \"" + caption + "\"");
        }
    }
}
