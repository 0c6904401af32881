package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The caption editor's manifests (k8s/web, and its Ingress example) against the application and the worker's base,
 * as written and as kubectl renders them; and each way of breaking that agreement must be reported.
 */
@Tag("integration")
class WebManifestsTest {

    static Path webDir() {
        return Project.k8s().resolve("web");
    }

    /** k8s/web as declared, plus the Ingress example (which is not among its resources). */
    static Manifests web() {
        Manifests declared = Manifests.kustomization(webDir());
        List<JsonNode> documents = new ArrayList<>(declared.documents());
        documents.addAll(Manifests.parse(Manifests.read(webDir().resolve("ingress-example.yaml"))).documents());
        StringBuilder yaml = new StringBuilder();
        for (JsonNode document : documents) {
            try {
                yaml.append(Manifests.YAML.writeValueAsString(document)).append("\n");
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        return Manifests.parse(yaml.toString());
    }

    static Manifests worker() {
        return Manifests.kustomization(Project.k8s().resolve("base"));
    }

    @Test
    void webAgreesWithTheApplicationAndTheWorker() {
        Manifests web = web();
        assertEquals(Set.of("ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "Ingress"),
                Set.copyOf(web.documents().stream().map(d -> d.path("kind").asText()).toList()));
        List<String> violations = WebContractChecks.check(web, worker(), Project.applicationProperties());
        assertEquals(List.of(), violations, "k8s/web:\n" + String.join("\n", violations));
    }

    @Test
    void renderedWebAgreesAndStaysInTheWorkersNamespace() {
        Optional<Path> kubectl = Tools.onPath("kubectl");
        assumeTrue(kubectl.isPresent(), "kubectl is not on PATH: skipping the rendering of k8s/web");
        Tools.Result result = Tools.run(Project.root(), Map.of(), Duration.ofMinutes(1),
                List.of(kubectl.get().toString(), "kustomize", webDir().toString()));
        assertTrue(result.ok(), result.describe());
        Manifests rendered = Manifests.parse(result.output());
        List<String> violations = WebContractChecks.check(rendered, worker(), Project.applicationProperties());
        assertEquals(List.of(), violations, "rendered k8s/web:\n" + String.join("\n", violations));
        String namespace = Manifests.readTree(Project.k8s().resolve("base/kustomization.yaml")).path("namespace").asText();
        for (ObjectNode object : rendered.documents()) {
            assertEquals(namespace, object.path("metadata").path("namespace").asText(), object.path("kind").asText());
        }
        String image = rendered.single("Deployment").orElseThrow().path("spec").path("template").path("spec")
                .path("containers").get(0).path("image").asText();
        assertTrue(image.endsWith(":cpu"), "the editor runs the CPU image: " + image);
    }

    static Stream<Arguments> breakages() {
        return Stream.of(
                breakage("the worker's command", m -> ((ArrayNode) web(m).path("args")).set(0, "serve"), "instead of the web command"),
                breakage("one replica", m -> spec(m, "Deployment").put("replicas", 1), "replicas >= 2"),
                breakage("a GPU", m -> ((ObjectNode) web(m).path("resources").path("limits")).put("nvidia.com/gpu", 1), "no GPU"),
                breakage("a topic the worker does not consume",
                        m -> data(m).put("RECAPTION_TOPICS_EDIT_REQUESTS", "edit-requests-v2"), "recaption.topics.edit-requests"),
                breakage("another artifacts bucket", m -> data(m).put("RECAPTION_ARTIFACTS_BUCKET", "elsewhere"),
                        "recaption.artifacts.bucket"),
                breakage("uploads the worker cannot read", m -> data(m).put("RECAPTION_INPUT_BUCKETS", "private-uploads"),
                        "not among the worker's input buckets"),
                breakage("a misspelt variable", m -> data(m).put("RECAPTION_WEB_UPLOAD_PREFIX", "uploads/"),
                        "RECAPTION_WEB_UPLOAD_PREFIX"),
                breakage("CORS switched on", m -> data(m).put("QUARKUS_HTTP_CORS_ENABLED", "true"), "CORS"),
                breakage("the worker's identity", m -> ((ObjectNode) podSpec(m)).put("serviceAccountName", "recaption-worker"),
                        "ServiceAccount 'recaption-worker'"),
                breakage("an API token mounted", m -> ((ObjectNode) podSpec(m)).put("automountServiceAccountToken", true),
                        "automountServiceAccountToken"),
                breakage("egress to the instance metadata", m -> m.single("NetworkPolicy").orElseThrow().remove("spec"),
                        "instance metadata endpoint"),
                breakage("a readiness probe on the wrong path",
                        m -> ((ObjectNode) web(m).path("readinessProbe").path("httpGet")).put("path", "/q/health"), "readinessProbe"),
                breakage("credentials from an optional Secret",
                        m -> web(m).path("env").forEach(e -> {
                            if (e.path("valueFrom").has("secretKeyRef")) {
                                ((ObjectNode) e.path("valueFrom").path("secretKeyRef")).put("optional", true);
                            }
                        }), "required Secret"),
                breakage("no credentials at all",
                        m -> ((ArrayNode) web(m).path("env")).removeAll(), "required Secret"),
                breakage("a writable root filesystem",
                        m -> ((ObjectNode) web(m).path("securityContext")).put("readOnlyRootFilesystem", false), "readOnlyRootFilesystem"),
                breakage("an Ingress to another service",
                        m -> ((ObjectNode) m.single("Ingress").orElseThrow().findParents("service").get(0).path("service")).put("name", "other"),
                        "no port of the editor's Service"),
                breakage("an Ingress that cuts uploads",
                        m -> ((ObjectNode) m.single("Ingress").orElseThrow().path("metadata").path("annotations"))
                                .put("nginx.ingress.kubernetes.io/proxy-body-size", "1m"), "less than an upload"))
                .filter(a -> !"no such breakage".equals(a.get()[2]));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void reportsWhatBreaksTheContract(String what, Consumer<Manifests> breakIt, String expected) {
        Manifests broken = web().copy();
        breakIt.accept(broken);
        List<String> violations = WebContractChecks.check(broken, worker(), Project.applicationProperties());
        assertTrue(violations.stream().anyMatch(v -> v.contains(expected)),
                what + ": expected a violation mentioning '" + expected + "', got " + violations);
    }

    @Test
    void workerPodsAreNotTheEditorsAndTheEditorsAreNotTheWorkers() {
        Manifests broken = worker().copy();
        ((ObjectNode) broken.single("Deployment").orElseThrow().path("spec").path("selector").path("matchLabels"))
                .remove("app.kubernetes.io/component");
        assertTrue(WebContractChecks.check(web(), broken, Project.applicationProperties()).stream()
                .anyMatch(v -> v.contains("the worker's Deployment selector matches the editor's pods")));
    }

    private static Arguments breakage(String what, Consumer<Manifests> breakIt, String expected) {
        return Arguments.of(what, breakIt, expected);
    }

    private static ObjectNode spec(Manifests m, String kind) {
        return (ObjectNode) m.single(kind).orElseThrow().path("spec");
    }

    private static JsonNode podSpec(Manifests m) {
        return spec(m, "Deployment").path("template").path("spec");
    }

    private static ObjectNode web(Manifests m) {
        return (ObjectNode) podSpec(m).path("containers").get(0);
    }

    private static ObjectNode data(Manifests m) {
        return (ObjectNode) m.single("ConfigMap").orElseThrow().path("data");
    }
}
