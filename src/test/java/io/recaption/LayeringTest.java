package io.recaption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The layering rules of {@code docs/architecture.md}, checked on every reference to a package in code — import
 * lines, static imports and fully qualified names alike (comments are stripped first, so a comment may name
 * anything). Each rule is also run against a planted violation, so a rule that has stopped seeing anything fails.
 */
@Tag("unit")
class LayeringTest {

    /** The engine, lowest first: a package may use only packages of a lower rank (siblings stay independent). */
    static final Map<String, Integer> ENGINE_RANK = Map.of(
            "model", 0,
            "diffusion", 1,
            "inversion", 2, "editing", 2, "artifacts", 2,
            "pipeline", 3);

    /** Code that touches Quarkus, Kafka, S3 or HTTP. */
    static final List<String> SERVICE = List.of("worker", "web", "api");

    /** Frameworks the engine and the lab never see. */
    static final List<String> FRAMEWORKS = List.of("io.quarkus", "org.apache.kafka", "software.amazon", "io.smallrye",
            "jakarta.", "org.eclipse.microprofile", "org.jboss", "picocli", "io.vertx", "io.micrometer");

    /**
     * What the service may use of the engine: the application service and the file codecs, plus the value types
     * that appear in their signatures (settings, the model bundle they take, progress, refusals). Anything else —
     * the UNet, the inverter, the controllers — is an engine internal that only the pipeline wires together.
     */
    static final Set<String> PIPELINE_API = Set.of(
            "io.recaption.pipeline.", "io.recaption.artifacts.",
            "io.recaption.diffusion.DiffusionModel", "io.recaption.diffusion.ProgressListener",
            "io.recaption.diffusion.InputRejectedException", "io.recaption.diffusion.Refusal",
            "io.recaption.diffusion.Phase",
            "io.recaption.inversion.InversionSettings", "io.recaption.inversion.InversionMethod",
            "io.recaption.editing.EditSettings", "io.recaption.editing.CaptionEdit", "io.recaption.editing.Words",
            "io.recaption.model.weights.WeightLoadException", "io.recaption.model.nn.Precision");

    private static final Pattern REFERENCE = Pattern.compile("\\b(io\\.recaption\\.[a-z]+(?:\\.[A-Za-z_][\\w]*)*"
            + "|io\\.quarkus|org\\.apache\\.kafka|software\\.amazon|io\\.smallrye|jakarta\\.|org\\.eclipse\\.microprofile"
            + "|org\\.jboss|picocli|io\\.vertx|io\\.micrometer)");

    private static final Path MAIN = Path.of("src", "main", "java", "io", "recaption");

    @Test
    void theProductKeepsItsLayers() {
        List<Source> sources = sources(MAIN);
        System.out.println("layering: " + sources.size() + " main source files checked");
        assertTrue(sources.size() > 150, "the sources were found");
        assertTrue(sources.stream().anyMatch(s -> s.pkg().equals("lab")), "the lab was found");
        assertEquals(List.of(), violations(sources));
    }

    @Test
    void everyRuleSeesAPlantedViolation(@TempDir Path root) throws IOException {
        Map<String, String> planted = Map.of(
                "model/Low.java", "package io.recaption.model;\nclass Low { io.recaption.diffusion.Sampler s; }",
                "editing/Sibling.java", "package io.recaption.editing;\nimport io.recaption.inversion.Inverter;",
                "artifacts/Framework.java", "package io.recaption.artifacts;\nimport jakarta.inject.Inject;",
                "pipeline/Lab.java", "package io.recaption.pipeline;\nclass Lab { Object o = new "
                        + "io.recaption.lab.shapes.Scene(); }",
                "worker/Internal.java", "package io.recaption.worker;\nimport io.recaption.model.unet.UNet2DConditionModel;",
                "web/Stack.java", "package io.recaption.web;\nimport io.recaption.devstack.LocalStack;",
                "lab/Service.java", "package io.recaption.lab;\nimport static io.recaption.worker.store.ArtifactStore.STATUS;",
                "devstack/Engine.java", "package io.recaption.devstack;\nimport io.recaption.pipeline.Recaptioner;",
                "worker/Fine.java", "package io.recaption.worker;\n// io.recaption.model.unet.UNet2DConditionModel\n"
                        + "import io.recaption.pipeline.Recaptioner;\nimport io.recaption.inversion.InversionSettings;",
                "cli/Anything.java", "package io.recaption.cli;\nimport io.recaption.lab.shapes.Scene;\n"
                        + "import io.recaption.devstack.LocalStack;\nimport io.recaption.model.unet.UNet2DConditionModel;");
        Map<String, String> protocol = Map.of(
                "protocol/Kafka.java", "package io.recaption.protocol;\nimport org.apache.kafka.common.header.Headers;",
                "protocol/Worker.java", "package io.recaption.protocol;\nimport io.recaption.worker.store.ArtifactStore;",
                "protocol/Engine.java", "package io.recaption.protocol;\nimport io.recaption.model.unet.UNet2DConditionModel;",
                "worker/store/Up.java", "package io.recaption.worker.store;\nimport io.recaption.worker.ladder.JobLadder;",
                "worker/engine/Side.java", "package io.recaption.worker.engine;\nimport io.recaption.worker.kafka.JobRunner;",
                "worker/ladder/Fine.java", "package io.recaption.worker.ladder;\nimport io.recaption.worker.store.ArtifactStore;\n"
                        + "import io.recaption.worker.RunningJob;",
                "protocol/Fine.java", "package io.recaption.protocol;\nimport com.fasterxml.jackson.databind.JsonNode;\n"
                        + "import io.recaption.inversion.InversionMethod;");
        Map<String, String> all = new java.util.TreeMap<>(planted);
        all.putAll(protocol);
        for (Map.Entry<String, String> file : all.entrySet()) {
            Path path = root.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
        List<String> found = violations(sources(root));
        for (String broken : List.of("model/Low.java", "editing/Sibling.java", "artifacts/Framework.java",
                "pipeline/Lab.java", "worker/Internal.java", "web/Stack.java", "lab/Service.java",
                "devstack/Engine.java", "protocol/Kafka.java", "protocol/Worker.java", "protocol/Engine.java",
                "worker/store/Up.java", "worker/engine/Side.java")) {
            assertTrue(found.stream().anyMatch(v -> v.startsWith(broken + ":")), broken + " is caught: " + found);
        }
        assertTrue(found.stream().noneMatch(v -> v.startsWith("worker/Fine.java") || v.startsWith("protocol/Fine.java")
                        || v.startsWith("worker/ladder/Fine.java") || v.startsWith("cli/")),
                "allowed references pass: " + found);
    }

    /** One source file: its top-level package under io.recaption and every package reference in its code. */
    record Source(String path, String pkg, Set<String> references) {}

    static List<String> violations(List<Source> sources) {
        List<String> violations = new ArrayList<>();
        for (Source source : sources) {
            for (String reference : source.references()) {
                String problem = problem(source.pkg(), reference);
                if (problem == null) {
                    problem = roomProblem(source.path(), reference);
                }
                if (problem != null) {
                    violations.add(source.path() + ": " + reference + " (" + problem + ")");
                }
            }
        }
        return violations;
    }

    /**
     * The worker's rooms, and which other rooms each may use: the Kafka side drives the ladder; the ladder uses
     * leases, the object store and the engine adapter; leases live in the store; the store and the engine adapter
     * use no other room. The root (the worker as a whole: config, identity, health, gates, the running job) is
     * open to every room and may use them all.
     */
    static final Map<String, Set<String>> WORKER_ROOMS = Map.of(
            "kafka", Set.of("ladder"),
            "ladder", Set.of("engine", "lease", "store"),
            "lease", Set.of("store"),
            "store", Set.of(),
            "engine", Set.of());

    /** Why a file at {@code path} (relative to io/recaption) may not reference {@code reference} across rooms. */
    static String roomProblem(String path, String reference) {
        String[] from = path.split("/");
        if (!from[0].equals("worker") || from.length < 3 || !reference.startsWith("io.recaption.worker.")) {
            return null;
        }
        String[] to = reference.split("\\.");
        if (to.length < 4 || !Character.isLowerCase(to[3].charAt(0))) {
            return null; // the worker's root
        }
        String source = from[1];
        String target = to[3];
        if (source.equals(target)) {
            return null;
        }
        Set<String> allowed = WORKER_ROOMS.get(source);
        if (allowed == null || !WORKER_ROOMS.containsKey(target)) {
            return "worker/" + source + " or worker/" + target + " is not a room of the worker (LayeringTest.WORKER_ROOMS)";
        }
        return allowed.contains(target) ? null : "worker/" + source + " may use only " + allowed + " of the worker's rooms";
    }

    /** Why {@code pkg} may not reference {@code reference}, or null when it may. */
    static String problem(String pkg, String reference) {
        String target = reference.startsWith("io.recaption.") ? reference.split("\\.")[2] : null;
        boolean framework = target == null;
        boolean engine = ENGINE_RANK.containsKey(pkg);
        if (engine || pkg.equals("lab")) {
            if (framework) {
                return "the engine and the lab use no framework";
            }
            if (SERVICE.contains(target) || target.equals("devstack") || target.equals("cli")) {
                return "the engine and the lab never call the service, the dev stack or the commands";
            }
        }
        if (engine && target != null && !target.equals(pkg)) {
            if (target.equals("lab")) {
                return "the product never imports the lab";
            }
            Integer rank = ENGINE_RANK.get(target);
            if (rank != null && rank >= ENGINE_RANK.get(pkg)) {
                return "an engine package uses only lower layers";
            }
        }
        if (SERVICE.contains(pkg) && target != null) {
            if (target.equals("lab")) {
                return "the product never imports the lab";
            }
            if (target.equals("devstack") || target.equals("cli")) {
                return "the service runs without the dev stack and the commands";
            }
            if (ENGINE_RANK.containsKey(target) && PIPELINE_API.stream().noneMatch(reference::startsWith)) {
                return "the service uses the engine through the pipeline's API";
            }
        }
        if (pkg.equals("protocol")) {
            if (framework) {
                return "the wire contract is plain Java and Jackson: any client can use it";
            }
            if (SERVICE.contains(target) || target.equals("devstack") || target.equals("cli") || target.equals("lab")) {
                return "the wire contract uses nothing of the service, the dev stack, the commands or the lab";
            }
            if (ENGINE_RANK.containsKey(target) && PIPELINE_API.stream().noneMatch(reference::startsWith)) {
                return "the wire contract names only the pipeline API's value types";
            }
        }
        if (pkg.equals("devstack") && target != null && !target.equals("devstack")) {
            return "the dev stack runs processes; it uses nothing of the product";
        }
        return null;
    }

    static List<Source> sources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().map(p -> read(root, p)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Source read(Path root, Path file) {
        String relative = root.relativize(file).toString().replace('\\', '/');
        String pkg = relative.contains("/") ? relative.substring(0, relative.indexOf('/')) : "";
        String code;
        try {
            code = stripComments(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> references = new LinkedHashSet<>();
        for (String line : code.split("\n")) {
            if (line.startsWith("package ")) {
                continue;
            }
            Matcher m = REFERENCE.matcher(line);
            while (m.find()) {
                references.add(m.group(1));
            }
        }
        return new Source(relative, pkg, references);
    }

    /** Code without its block and line comments (string literals are not special-cased: none holds a package). */
    static String stripComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", "");
    }
}
