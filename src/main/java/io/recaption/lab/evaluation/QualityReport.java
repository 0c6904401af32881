package io.recaption.lab.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * The measured table and what it was measured on. Means are over images (PSNR: the mean of the
 * per-image dB values). In {@code quality.json} a non-finite number (a perfect reconstruction's
 * +∞ PSNR) is written as null, which JSON can hold.
 */
public record QualityReport(EvaluationSettings settings, String model, String captioner, double seconds,
        List<ImageResult> images, BufferedImage contactSheet) {

    /** The reconstruction methods, in table order. */
    public static final List<String> METHODS = List.of("vae", "ddim", "negativePrompt", "direct", "nullText",
            "globalNullText");
    /**
     * The inversions edits are made from, in table order: every method but the VAE's round trip ({@code ddim} is
     * null-text inversion with no inner steps, the unconditional branch the empty caption's embedding).
     */
    public static final List<String> INVERSIONS = METHODS.subList(1, METHODS.size());
    /** The product's method, the first the markdown names. */
    public static final String NULL_TEXT = "nullText";
    /** The key suffix of an edit run with LocalBlend. */
    public static final String LOCAL_BLEND = "localBlend";

    /**
     * What one inversion cost: UNet forward passes and backward passes per image (a batch of 2 counts 2; the
     * reconstruction's sampling included, as in the product's {@code invert}), wall seconds, and the process's
     * peak resident set during it in MiB ({@link io.recaption.model.nn.ProcessMemory}; −1 where Linux could not say).
     */
    public record Cost(long unetForwards, long unetBackwards, double seconds, long peakRssMb) {

        /** The mean of {@code costs} (passes rounded to whole passes); the peak is the largest of theirs. */
        public static Cost mean(List<Cost> costs) {
            return new Cost(Math.round(costs.stream().mapToLong(Cost::unetForwards).average().orElse(0)),
                    Math.round(costs.stream().mapToLong(Cost::unetBackwards).average().orElse(0)),
                    costs.stream().mapToDouble(Cost::seconds).average().orElse(Double.NaN),
                    costs.stream().mapToLong(Cost::peakRssMb).max().orElse(-1));
        }
    }

    public record Score(double psnr, double ssim) {}

    /** One edit of one image: the edited caption, whether the detectors found it done, the kept region's PSNR/SSIM. */
    public record EditOutcome(String caption, boolean success, double keptPsnr, double keptSsim) {}

    /**
     * One image: its caption, every method's reconstruction score, each inversion's cost, and the edits from each
     * inversion ({@link #INVERSIONS}) by variant key ("colourSwap", "colourSwap/localBlend"), and the captioner's
     * reading and chain (null when the evaluation ran without a captioner).
     */
    public record ImageResult(long index, String caption, Map<String, Score> reconstruction, Map<String, Cost> costs,
            Map<String, Map<String, EditOutcome>> edits, TextToImage textToImage, Captioning captioning) {}

    /**
     * The captioner on one input: its caption read against the scene, and the colour swap made on its caption
     * (the edited caption; not run, and failed, when the caption could not carry it: kept PSNR/SSIM NaN).
     */
    public record Captioning(CaptioningEvaluation.Reading reading, EditOutcome colourSwap) {}

    /** Whether the images were captioned too. */
    public boolean hasCaptioning() {
        return !images.isEmpty() && images.stream().allMatch(i -> i.captioning() != null);
    }

    /** The captioner's rates over the images. */
    public CaptioningEvaluation.Rates captioningRates() {
        return CaptioningEvaluation.rates(images.stream().map(i -> i.captioning().reading()).toList());
    }

    /** The chain's colour swap: success over all images, kept means over those where it ran. */
    public EditScore captionChain() {
        List<EditOutcome> outcomes = images.stream().map(i -> i.captioning().colourSwap()).toList();
        List<EditOutcome> ran = outcomes.stream().filter(o -> !Double.isNaN(o.keptPsnr())).toList();
        return new EditScore(outcomes.stream().filter(EditOutcome::success).count() / (double) outcomes.size(),
                mean(ran.stream().mapToDouble(EditOutcome::keptPsnr).toArray()),
                mean(ran.stream().mapToDouble(EditOutcome::keptSsim).toArray()), outcomes.size());
    }

    /**
     * A sample from noise with the image's caption, read against the caption's scene: the background,
     * every shape's colour inside its mask, every shape's kind, and all of them together ({@code match}).
     */
    public record TextToImage(boolean match, boolean background, boolean colours, boolean kinds) {}

    /** Shares of the images whose text-to-image sample matched: match, background, colours, kinds. */
    public double[] textToImageRates() {
        double n = images.size();
        return new double[] {images.stream().filter(i -> i.textToImage().match()).count() / n,
                images.stream().filter(i -> i.textToImage().background()).count() / n,
                images.stream().filter(i -> i.textToImage().colours()).count() / n,
                images.stream().filter(i -> i.textToImage().kinds()).count() / n};
    }

    /** Mean reconstruction score of a method over the images. */
    public Score reconstruction(String method) {
        return new Score(mean(images.stream().mapToDouble(i -> i.reconstruction().get(method).psnr()).toArray()),
                mean(images.stream().mapToDouble(i -> i.reconstruction().get(method).ssim()).toArray()));
    }

    /** Mean cost of one inversion by {@code method} over the images; the peak is the largest. */
    public Cost cost(String method) {
        return Cost.mean(images.stream().map(i -> i.costs().get(method)).toList());
    }

    /** All edit variant keys, in table order: each kind, then its LocalBlend variant. */
    public static List<String> variants() {
        List<String> variants = new java.util.ArrayList<>();
        for (EditKind kind : EditKind.values()) {
            variants.add(variant(kind, false));
            variants.add(variant(kind, true));
        }
        return List.copyOf(variants);
    }

    /** Success rate and kept-region means of one edit variant from one inversion, over the images. */
    public EditScore edit(String source, String variant) {
        List<EditOutcome> outcomes = images.stream().map(i -> i.edits().get(source).get(variant)).toList();
        return new EditScore(outcomes.stream().filter(EditOutcome::success).count() / (double) outcomes.size(),
                mean(outcomes.stream().mapToDouble(EditOutcome::keptPsnr).toArray()),
                mean(outcomes.stream().mapToDouble(EditOutcome::keptSsim).toArray()), outcomes.size());
    }

    public record EditScore(double success, double keptPsnr, double keptSsim, int count) {}

    public static String variant(EditKind kind, boolean localBlend) {
        return localBlend ? kind.key() + "/" + LOCAL_BLEND : kind.key();
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("model", model);
        root.put("seed", settings.seed());
        root.put("N", images.size());
        root.put("seconds", seconds);
        ObjectNode s = root.putObject("settings");
        s.put("steps", settings.steps());
        s.put("innerSteps", settings.innerSteps());
        s.put("guidance", settings.guidance());
        s.put("editSettings", "EditSettings.defaults() at the same guidance");
        s.put("emphasisFactor", EditCase.EMPHASIS_FACTOR);
        s.put("emphasisDownFactor", EditCase.EMPHASIS_DOWN_FACTOR);
        s.put("emphasisDownShift", EditJudge.EMPHASIS_DOWN_SHIFT);
        s.put("keptMargin", EditCase.KEPT_MARGIN);
        s.put("psnrMean", "mean over images of per-image PSNR (dB, data range 1)");
        ObjectNode reconstruction = root.putObject("reconstruction");
        for (String method : METHODS) {
            Score score = reconstruction(method);
            ObjectNode m = reconstruction.putObject(method);
            number(m, "psnr", score.psnr());
            number(m, "ssim", score.ssim());
        }
        ObjectNode costs = root.putObject("costs");
        for (String method : INVERSIONS) {
            costFields(costs.putObject(method), cost(method));
        }
        ObjectNode allEdits = root.putObject("edits");
        for (String source : INVERSIONS) {
            ObjectNode edits = allEdits.putObject(source);
            for (EditKind kind : EditKind.values()) {
                ObjectNode k = edits.putObject(kind.key());
                editFields(k, edit(source, variant(kind, false)));
                editFields(k.putObject(LOCAL_BLEND), edit(source, variant(kind, true)));
            }
        }
        double[] rates = textToImageRates();
        ObjectNode t2i = root.putObject("textToImage");
        number(t2i, "match", rates[0]);
        number(t2i, "background", rates[1]);
        number(t2i, "colour", rates[2]);
        number(t2i, "shape", rates[3]);
        if (hasCaptioning()) {
            CaptioningEvaluation.Rates c = captioningRates();
            ObjectNode captioning = root.putObject("captioning");
            captioning.put("captioner", captioner);
            number(captioning, "parsed", c.parsed());
            number(captioning, "background", c.background());
            number(captioning, "shapes", c.shapes());
            number(captioning, "scene", c.scene());
            number(captioning, "exact", c.exact());
            editFields(captioning.putObject("chainColourSwap"), captionChain());
        }
        var perImage = root.putArray("images");
        for (ImageResult image : images) {
            ObjectNode i = perImage.addObject();
            i.put("index", image.index());
            i.put("caption", image.caption());
            ObjectNode r = i.putObject("reconstruction");
            image.reconstruction().forEach((method, score) -> {
                ObjectNode m = r.putObject(method);
                number(m, "psnr", score.psnr());
                number(m, "ssim", score.ssim());
            });
            ObjectNode c0 = i.putObject("costs");
            image.costs().forEach((method, cost) -> costFields(c0.putObject(method), cost));
            ObjectNode t = i.putObject("textToImage");
            t.put("match", image.textToImage().match());
            t.put("background", image.textToImage().background());
            t.put("colour", image.textToImage().colours());
            t.put("shape", image.textToImage().kinds());
            if (image.captioning() != null) {
                CaptioningEvaluation.Reading reading = image.captioning().reading();
                ObjectNode c = i.putObject("captioning");
                c.put("caption", reading.caption());
                c.put("background", reading.background());
                c.put("shapes", reading.shapes());
                c.put("scene", reading.scene());
                c.put("exact", reading.exact());
                EditOutcome chain = image.captioning().colourSwap();
                ObjectNode o = c.putObject("chainColourSwap");
                o.put("caption", chain.caption());
                o.put("success", chain.success());
                number(o, "keptPsnr", chain.keptPsnr());
                number(o, "keptSsim", chain.keptSsim());
            }
            ObjectNode imageEdits = i.putObject("edits");
            image.edits().forEach((source, variants) -> {
                ObjectNode e = imageEdits.putObject(source);
                variants.forEach((variant, outcome) -> {
                    ObjectNode o = e.putObject(variant);
                    o.put("caption", outcome.caption());
                    o.put("success", outcome.success());
                    number(o, "keptPsnr", outcome.keptPsnr());
                    number(o, "keptSsim", outcome.keptSsim());
                });
            });
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("quality.json could not be written", e);
        }
    }

    static void costFields(ObjectNode node, Cost cost) {
        node.put("unetForwards", cost.unetForwards());
        node.put("unetBackwards", cost.unetBackwards());
        number(node, "seconds", cost.seconds());
        node.put("peakRssMb", cost.peakRssMb());
    }

    static void editFields(ObjectNode node, EditScore score) {
        number(node, "success", score.success());
        number(node, "keptPsnr", score.keptPsnr());
        number(node, "keptSsim", score.keptSsim());
        node.put("count", score.count());
    }

    static void number(ObjectNode node, String name, double value) {
        if (Double.isFinite(value)) {
            node.put(name, value);
        } else {
            node.putNull(name);
        }
    }

    public String toMarkdown() {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "# Quality of %s%n%n%d images of the shapes world (seed %d), %d DDIM steps,"
                + " %d null-text inner steps, guidance %.1f; %.1f s.%n%n", model, images.size(), settings.seed(),
                settings.steps(), settings.innerSteps(), settings.guidance(), seconds));
        md.append("## Reconstruction\n\n| method | PSNR (dB) | SSIM |\n| --- | --- | --- |\n");
        for (String method : METHODS) {
            Score score = reconstruction(method);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s |%n", method, fmt(score.psnr(), 2),
                    fmt(score.ssim(), 3)));
        }
        double[] rates = textToImageRates();
        md.append("\n## Text to image\n\nSamples from noise with each image's caption, read against the caption's"
                + " scene.\n\n| match (all) | background | shape colours | shape kinds |\n| --- | --- | --- | --- |\n");
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", fmt(rates[0], 2), fmt(rates[1], 2),
                fmt(rates[2], 2), fmt(rates[3], 2)));
        md.append("\n## Cost of one inversion\n\nUNet passes per image (a batch of 2 counts 2, the reconstruction's"
                + " sampling included), wall seconds (mean), the process's peak RSS during it (largest).\n\n"
                + "| method | UNet forward | UNet backward | seconds | peak RSS (MiB) |\n| --- | --- | --- | --- | --- |\n");
        for (String method : INVERSIONS) {
            Cost cost = cost(method);
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d |%n", method, cost.unetForwards(),
                    cost.unetBackwards(), fmt(cost.seconds(), 2), cost.peakRssMb()));
        }
        md.append("\n## Edits from each inversion\n\nSuccess, and the kept region's PSNR (dB) in brackets; `+LB`: with"
                + " LocalBlend on the edited shape's words.\n\n| edit |");
        INVERSIONS.forEach(m -> md.append(' ').append(m).append(" |"));
        md.append("\n| ---").append(" | ---".repeat(INVERSIONS.size())).append(" |\n");
        for (String variant : variants()) {
            md.append("| ").append(variant.replace("/" + LOCAL_BLEND, " +LB")).append(" |");
            for (String method : INVERSIONS) {
                EditScore score = edit(method, variant);
                md.append(' ').append(fmt(score.success(), 2)).append(" (").append(fmt(score.keptPsnr(), 1))
                        .append(") |");
            }
            md.append('\n');
        }
        if (hasCaptioning()) {
            md.append("\n## Captioning\n\nThe captioner (").append(captioner).append(") on each input, its caption parsed"
                    + " by the grammar and read against the scene:\n\n");
            md.append(CaptioningEvaluation.table(captioningRates()));
            EditScore chain = captionChain();
            EditScore truth = edit(NULL_TEXT, variant(EditKind.COLOUR_SWAP, false));
            md.append("\nThe whole chain: caption from the captioner, null-text inversion with it, the colour swap on its"
                    + " words, judged by the detectors (beside the same swap from the true caption):\n\n"
                    + "| colour swap from | success | kept PSNR (dB) | kept SSIM |\n| --- | --- | --- | --- |\n");
            md.append(String.format(Locale.ROOT, "| the captioner's caption | %s | %s | %s |%n", fmt(chain.success(), 2),
                    fmt(chain.keptPsnr(), 2), fmt(chain.keptSsim(), 3)));
            md.append(String.format(Locale.ROOT, "| the true caption | %s | %s | %s |%n", fmt(truth.success(), 2),
                    fmt(truth.keptPsnr(), 2), fmt(truth.keptSsim(), 3)));
        }
        md.append("\nSuccess: the analytic detectors read the edited property as the edited caption says and the rest"
                + " of the scene as before (emphasis up, colour word ×" + fmt(EditCase.EMPHASIS_FACTOR, 0)
                + ": the caption is unchanged, so the emphasised shape must still read correctly; emphasis down, colour"
                + " word ×" + fmt(EditCase.EMPHASIS_DOWN_FACTOR, 0) + ": the shape's mean colour must move at least "
                + EditJudge.EMPHASIS_DOWN_SHIFT + " (RGB) farther from its named colour than in the input, its kind"
                + " unchanged). Kept: PSNR/SSIM against the input outside the edited shape's masks dilated by "
                + EditCase.KEPT_MARGIN + " px (background swap: inside the shapes).\n");
        md.append("\nContact sheet columns: input, ").append(String.join(", ", METHODS))
                .append(", then the null-text edits ");
        md.append(String.join(", ", EditKind.all().stream().map(EditKind::key).toList()))
                .append(", and the text-to-image sample.\n");
        return md.toString();
    }

    static String fmt(double value, int decimals) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "−∞";
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /** Writes quality.json, quality.md and contact-sheet.png into {@code dir} (created if missing). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("quality.json"), toJson());
        Files.writeString(dir.resolve("quality.md"), toMarkdown());
        ImageIO.write(contactSheet, "png", dir.resolve("contact-sheet.png").toFile());
    }

    static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return values.length == 0 ? Double.NaN : sum / values.length;
    }
}
