package io.recaption.lab.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * What each inversion method costs and buys, over several evaluations of the same model with different seeds
 * (issue 25): per method its cost (UNet passes, seconds, peak RSS), its reconstruction and the success of every
 * edit kind made from it, each figure pooled over all scenes with the range of the per-seed figures beside it. A
 * single seed of 20 scenes moves a rate by 0.05 per scene, so the range says what a difference is worth.
 */
public record MethodComparison(List<QualityReport> seeds) {

    /** The markers of the generated block in a markdown file (README). */
    public static final String BEGIN = "<!-- evaluate --seeds: per-method table, generated -->";
    public static final String END = "<!-- /evaluate --seeds -->";

    public MethodComparison {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("a comparison needs at least one evaluation");
        }
        seeds = List.copyOf(seeds);
    }

    /** A figure pooled over every scene of every seed, and the lowest and highest of the per-seed figures. */
    public record Spread(double pooled, double low, double high) {
        String format(int decimals) {
            String p = QualityReport.fmt(pooled, decimals);
            if (low == high || Double.isNaN(low)) {
                return p;
            }
            return p + " (" + QualityReport.fmt(low, decimals) + "–" + QualityReport.fmt(high, decimals) + ")";
        }
    }

    /** Scenes behind each pooled figure. */
    public int scenes() {
        return seeds.stream().mapToInt(r -> r.images().size()).sum();
    }

    /** The seeds, in order. */
    public List<Long> seedValues() {
        return seeds.stream().map(r -> r.settings().seed()).toList();
    }

    /** Success of {@code variant} made from {@code method}'s inversion. */
    public Spread success(String method, String variant) {
        return spread(i -> i.edits().get(method).get(variant).success() ? 1 : 0);
    }

    /** Kept-region PSNR of {@code variant} made from {@code method}'s inversion. */
    public Spread keptPsnr(String method, String variant) {
        return spread(i -> i.edits().get(method).get(variant).keptPsnr());
    }

    /** Reconstruction PSNR of {@code method}. */
    public Spread psnr(String method) {
        return spread(i -> i.reconstruction().get(method).psnr());
    }

    /** Reconstruction SSIM of {@code method}. */
    public Spread ssim(String method) {
        return spread(i -> i.reconstruction().get(method).ssim());
    }

    /** Wall seconds of one inversion by {@code method}. */
    public Spread seconds(String method) {
        return spread(i -> i.costs().get(method).seconds());
    }

    /** The cost of one inversion by {@code method}, means over every scene (the peak: the largest). */
    public QualityReport.Cost cost(String method) {
        return QualityReport.Cost.mean(seeds.stream().flatMap(r -> r.images().stream())
                .map(i -> i.costs().get(method)).toList());
    }

    private Spread spread(ToDoubleFunction<QualityReport.ImageResult> figure) {
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        double sum = 0;
        int n = 0;
        for (QualityReport report : seeds) {
            double[] values = report.images().stream().mapToDouble(figure).toArray();
            double mean = QualityReport.mean(values);
            low = Math.min(low, mean);
            high = Math.max(high, mean);
            for (double v : values) {
                sum += v;
                n++;
            }
        }
        return new Spread(n == 0 ? Double.NaN : sum / n, low, high);
    }

    /** The generated block: one table of cost and edit success per method, and one of kept-region PSNR. */
    public String toMarkdown() {
        QualityReport first = seeds.get(0);
        EvaluationSettings s = first.settings();
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%d scenes of the shapes world behind each figure (seeds %s, %d each),"
                + " %s; %d DDIM steps, %d null-text inner steps, guidance %.1f. Each figure is pooled over every scene,"
                + " with the lowest and highest per-seed figure in brackets. UNet passes per image and wall seconds of"
                + " one whole inversion (the reconstruction's sampling included); peak RSS during it.%n%n", scenes(),
                String.join(", ", seedValues().stream().map(String::valueOf).toList()), first.images().size(),
                first.model(), s.steps(), s.innerSteps(), s.guidance()));
        List<String> variants = QualityReport.variants();
        md.append("| method | UNet fwd | UNet bwd | s / inversion | peak RSS (MiB) | PSNR (dB) | SSIM |");
        variants.forEach(v -> md.append(' ').append(label(v)).append(" |"));
        md.append("\n| ---").append(" | ---".repeat(6 + variants.size())).append(" |\n");
        for (String method : QualityReport.INVERSIONS) {
            QualityReport.Cost cost = cost(method);
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %s | %d | %s | %s |", method, cost.unetForwards(),
                    cost.unetBackwards(), seconds(method).format(2), cost.peakRssMb(), psnr(method).format(2),
                    ssim(method).format(3)));
            for (String variant : variants) {
                md.append(' ').append(success(method, variant).format(2)).append(" |");
            }
            md.append('\n');
        }
        md.append("\nKept-region PSNR (dB) of the same edits (outside the edited shape, dilated; the background swap:"
                + " inside the shapes):\n\n| method |");
        variants.forEach(v -> md.append(' ').append(label(v)).append(" |"));
        md.append("\n| ---").append(" | ---".repeat(variants.size())).append(" |\n");
        for (String method : QualityReport.INVERSIONS) {
            md.append("| ").append(method).append(" |");
            for (String variant : variants) {
                md.append(' ').append(keptPsnr(method, variant).format(1)).append(" |");
            }
            md.append('\n');
        }
        return md.toString();
    }

    private static String label(String variant) {
        return variant.replace("/" + QualityReport.LOCAL_BLEND, " +LB");
    }

    public String toJson() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("model", seeds.get(0).model());
        var seedList = root.putArray("seeds");
        seedValues().forEach(seedList::add);
        root.put("scenes", scenes());
        ObjectNode methods = root.putObject("methods");
        for (String method : QualityReport.INVERSIONS) {
            ObjectNode m = methods.putObject(method);
            QualityReport.costFields(m.putObject("cost"), cost(method));
            spreadFields(m.putObject("seconds"), seconds(method));
            spreadFields(m.putObject("psnr"), psnr(method));
            spreadFields(m.putObject("ssim"), ssim(method));
            ObjectNode edits = m.putObject("edits");
            for (String variant : QualityReport.variants()) {
                ObjectNode v = edits.putObject(variant);
                spreadFields(v.putObject("success"), success(method, variant));
                spreadFields(v.putObject("keptPsnr"), keptPsnr(method, variant));
            }
        }
        try {
            return json.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("methods.json could not be written", e);
        }
    }

    private static void spreadFields(ObjectNode node, Spread spread) {
        QualityReport.number(node, "pooled", spread.pooled());
        QualityReport.number(node, "low", spread.low());
        QualityReport.number(node, "high", spread.high());
    }

    /** Writes methods.md and methods.json into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("methods.md"), "# What each inversion method costs and buys\n\n" + toMarkdown());
        Files.writeString(dir.resolve("methods.json"), toJson());
    }

    /**
     * {@code markdown} with the text between {@link #BEGIN} and {@link #END} replaced by {@link #toMarkdown}; refused
     * where the markers are missing or out of order, so that nothing else in the file is ever touched.
     */
    public String replaceBlock(String markdown) {
        int begin = markdown.indexOf(BEGIN);
        int end = markdown.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("no generated block: the file needs the lines " + BEGIN + " and " + END);
        }
        return markdown.substring(0, begin + BEGIN.length()) + "\n" + toMarkdown() + markdown.substring(end);
    }
}
