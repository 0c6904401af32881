package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders every overlay under k8s/overlays with {@code kubectl kustomize} (or {@code kustomize build}) and checks
 * the result as it would be applied: the same contract as {@link DeploymentManifestsTest} (after kustomize's
 * rewrites: generated ConfigMap names, images, patches), one namespace, and the overlay's hardware.
 */
@Tag("integration")
class KustomizeRenderTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static List<String> renderer;

    @BeforeAll
    static void findRenderer() {
        Optional<Path> kubectl = Tools.onPath("kubectl");
        Optional<Path> kustomize = Tools.onPath("kustomize");
        assumeTrue(kubectl.isPresent() || kustomize.isPresent(),
                "neither kubectl nor kustomize is on PATH: skipping the rendering of k8s/overlays/*");
        renderer = kubectl.map(k -> List.of(k.toString(), "kustomize"))
                .orElseGet(() -> List.of(kustomize.orElseThrow().toString(), "build"));
    }

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(Project.k8s().resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    private static Manifests render(String overlay) {
        return render(Project.k8s().resolve("overlays").resolve(overlay));
    }

    private static Manifests render(Path kustomization) {
        List<String> command = new ArrayList<>(renderer);
        command.add(kustomization.toString());
        Tools.Result result = Tools.run(Project.root(), Map.of(), TIMEOUT, command);
        assertTrue(result.ok(), result.describe());
        return Manifests.parse(result.output());
    }

    @Test
    void thereIsAGpuAndACpuOverlay() throws IOException {
        List<String> overlays = overlays().toList();
        assertTrue(overlays.containsAll(List.of("cpu", "gpu")), "k8s/overlays has " + overlays);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void overlayRendersAndKeepsTheContract(String overlay) {
        Manifests rendered = render(overlay);
        List<String> violations = ContractChecks.check(rendered, Project.applicationProperties());
        assertEquals(List.of(), violations, "k8s/overlays/" + overlay + ":\n" + String.join("\n", violations));

        Set<String> kinds = Set.copyOf(rendered.documents().stream().map(d -> d.path("kind").asText()).toList());
        assertEquals(Set.of("Namespace", "ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget",
                "NetworkPolicy", "ScaledObject"), kinds);

        String namespace = rendered.single("Namespace").orElseThrow().path("metadata").path("name").asText();
        for (ObjectNode object : rendered.documents()) {
            if (!object.path("kind").asText().equals("Namespace")) {
                assertEquals(namespace, object.path("metadata").path("namespace").asText(),
                        object.path("kind").asText() + " " + object.path("metadata").path("name").asText() + " is outside " + namespace);
            }
        }
        String configMap = rendered.single("ConfigMap").orElseThrow().path("metadata").path("name").asText();
        assertTrue(configMap.matches("recaption-worker-[a-z0-9]{10}"), "the ConfigMap name carries kustomize's content hash: " + configMap);
    }

    /** The image tag names the libtorch flavor; a CUDA image goes with a GPU and GPU nodes, a CPU image with neither. */
    @ParameterizedTest
    @MethodSource("overlays")
    void hardwareMatchesTheImageFlavor(String overlay) {
        JsonNode deployment = render(overlay).single("Deployment").orElseThrow();
        JsonNode worker = OverlayChecks.worker(deployment.path("spec").path("template").path("spec"));
        String image = worker.path("image").asText();
        String tag = image.substring(image.lastIndexOf(':') + 1);
        assertTrue(image.contains(":") && (tag.equals("cpu") || tag.startsWith("cu")), "the worker image has no flavor tag: " + image);
        List<String> violations = tag.equals("cpu") ? OverlayChecks.cpu(deployment) : OverlayChecks.gpu(deployment);
        assertEquals(List.of(), violations, overlay + " (" + image + "):\n" + String.join("\n", violations));
    }

    static Stream<String> deployables() throws IOException {
        return Stream.concat(overlays().map(o -> "overlays/" + o), Stream.of("web"));
    }

    /**
     * A release pins the image by digest in one line ({@code kustomize edit set image recaption=…@sha256:…} or an
     * {@code images} entry with {@code digest}), and that pins every container of every pod, init containers
     * included: the pods run the one image the release built and nothing else by a mutable tag.
     */
    @ParameterizedTest
    @MethodSource("deployables")
    void oneDigestPinsEveryContainer(String folder) throws IOException {
        Path release = Files.createDirectories(Project.root().resolve("target").resolve("kustomize-release")
                .resolve(folder.replace('/', '-')));
        String image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/recaption";
        String digest = "sha256:" + "0123456789abcdef".repeat(4);
        Files.writeString(release.resolve("kustomization.yaml"), String.join("\n",
                "apiVersion: kustomize.config.k8s.io/v1beta1",
                "kind: Kustomization",
                "resources:",
                "  - " + release.relativize(Project.k8s().resolve(folder)),
                "images:",
                "  - name: recaption",
                "    newName: " + image,
                "    digest: " + digest,
                ""));
        List<String> containers = new ArrayList<>();
        for (ObjectNode deployment : render(release).documents()) {
            if (!deployment.path("kind").asText().equals("Deployment")) {
                continue;
            }
            JsonNode pod = deployment.path("spec").path("template").path("spec");
            for (String list : List.of("initContainers", "containers")) {
                pod.path(list).forEach(c -> containers.add(c.path("name").asText() + "=" + c.path("image").asText()));
            }
        }
        assertTrue(containers.size() >= 1, folder + " renders no container");
        for (String container : containers) {
            assertTrue(container.endsWith("=" + image + "@" + digest), folder + ": not pinned by the release's digest: " + container);
        }
    }
}
