package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kustomize base as written (no kubectl needed) against {@code application.properties}: topic names,
 * consumer group, environment-variable names, ports, health paths. {@link KustomizeRenderTest} runs the same
 * checks on every rendered overlay. Each way of breaking the contract below must be reported.
 */
@Tag("integration")
class DeploymentManifestsTest {

    private static Manifests base() {
        return Manifests.kustomization(Project.k8s().resolve("base"));
    }

    @Test
    void baseAgreesWithApplicationProperties() {
        AppConfig app = Project.applicationProperties();
        System.out.println(app.hasMapping()
                ? "checked against application.properties and the worker's @ConfigMapping (" + app.keys().size() + " keys)"
                : "checked against application.properties only (no @ConfigMapping compiled yet; assuming " + ContractChecks.WORKER_KEYS_BEFORE_MERGE + ")");
        List<String> violations = ContractChecks.check(base(), app);
        assertEquals(List.of(), violations, "k8s/base disagrees with application.properties:\n" + String.join("\n", violations));
    }

    @Test
    void gpuOverlayAsksForOneGpuOnGpuNodes() {
        Path overlay = Project.k8s().resolve("overlays/gpu");
        ObjectNode deploymentPatch = Manifests.readTree(overlay.resolve("kustomization.yaml")).path("patches").findValuesAsText("path").stream()
                .flatMap(path -> Manifests.parse(Manifests.read(overlay.resolve(path))).all("Deployment").stream())
                .findFirst()
                .orElseThrow(() -> new AssertionError("the gpu overlay patches no Deployment"));
        List<String> violations = OverlayChecks.gpu(deploymentPatch);
        assertEquals(List.of(), violations, String.join("\n", violations));
    }

    /**
     * IRSA hands the pod a web-identity token; the AWS SDK v2 exchanges it for credentials only with its sts module
     * on the classpath. Without it the default chain skips IRSA and falls through to the node's instance role.
     */
    @Test
    void s3ClientCanUseIrsa() {
        String pom = Manifests.read(Project.root().resolve("pom.xml"));
        assumeTrue(pom.contains("<artifactId>quarkus-amazon-s3</artifactId>"), "the worker's S3 client is not in the pom yet");
        assertTrue(pom.contains("<groupId>software.amazon.awssdk</groupId>") && pom.matches("(?s).*<artifactId>sts</artifactId>.*"),
                "pom.xml needs software.amazon.awssdk:sts (runtime) for IRSA web-identity credentials (k8s ServiceAccount"
                        + " eks.amazonaws.com/role-arn); without it the SDK uses the node's role or finds no credentials");
    }

    /** README's deployment walk-through: its topics are the configured ones and its example messages are JSON. */
    @Test
    void readmeExamplesUseTheConfiguredTopicsAndValidJson() throws IOException {
        String readme = Manifests.read(Project.root().resolve("README.md"));
        int start = readme.indexOf("\n## Deployment");
        assertTrue(start >= 0, "README.md has no Deployment section");
        String section = readme.substring(start);
        AppConfig app = Project.applicationProperties();
        Set<String> topics = app.keys().stream().filter(k -> k.startsWith("recaption.topics."))
                .map(k -> app.resolve(k, Map.of()).orElseThrow()).collect(Collectors.toSet());
        Matcher topic = Pattern.compile("(?:kcat .*? -t|kafka-console-\\w+\\.sh .*?--topic) (\\S+)").matcher(section);
        int commands = 0;
        while (topic.find()) {
            commands++;
            assertTrue(topics.contains(topic.group(1)), "README uses topic " + topic.group(1) + ", not one of " + topics);
        }
        assertTrue(commands >= 4, "README shows producing and consuming on the request and event topics");
        Matcher message = Pattern.compile("(?m)^(?:echo ')?([A-Za-z0-9-]+)\\|(\\{.*})'?\\s*\\\\?$").matcher(section);
        int messages = 0;
        while (message.find()) {
            messages++;
            JsonNode json = Manifests.YAML.readTree(message.group(2));
            String id = json.has("requestId") ? json.path("requestId").asText() : json.path("editId").asText();
            assertEquals(message.group(1), id, "the example's record key is its request's id");
        }
        assertTrue(messages >= 3, "README shows an inversion request and edit requests, found " + messages);
    }

    /** One way to break the contract each: the checks must say what broke. */
    static Stream<Arguments> breakages() {
        return Stream.of(
                breakage("a misspelt topic in a KEDA trigger", m -> trigger(m, 0).put("topic", "inversion-request"),
                        "no Kafka trigger on inversion-requests"),
                breakage("a topic renamed in the ConfigMap but not in KEDA",
                        m -> configMap(m).put("RECAPTION_TOPICS_EDIT_REQUESTS", "edit-requests-v2"),
                        "no Kafka trigger on edit-requests-v2"),
                breakage("a misspelt environment variable",
                        m -> configMap(m).put("RECAPTION_TOPIC_INVERSION_REQUESTS", "inversion-requests"),
                        "RECAPTION_TOPIC_INVERSION_REQUESTS"),
                breakage("a trigger watching another consumer group",
                        m -> trigger(m, 1).put("consumerGroup", "recaption"),
                        "watches consumer group recaption"),
                breakage("no scale to zero", m -> spec(m, "ScaledObject").put("minReplicaCount", 1),
                        "minReplicaCount: 0"),
                breakage("idle consumers beyond the partitions", m -> trigger(m, 0).put("allowIdleConsumers", "true"),
                        "allowIdleConsumers"),
                breakage("bootstrap servers from a variable the worker does not read",
                        m -> trigger(m, 0).put("bootstrapServersFromEnv", "KAFKA_BROKERS"),
                        "$KAFKA_BROKERS"),
                breakage("a readiness probe on a path Quarkus does not serve",
                        m -> ((ObjectNode) worker(m).path("readinessProbe").path("httpGet")).put("path", "/q/health/readiness"),
                        "readinessProbe checks /q/health/readiness"),
                breakage("a container port other than quarkus.http.port",
                        m -> ((ObjectNode) worker(m).path("ports").get(0)).put("containerPort", 8081),
                        "quarkus.http.port is 8080"),
                breakage("a model folder no init step fills",
                        m -> ((ObjectNode) podSpec(m)).remove("initContainers"),
                        "written by no init container"),
                breakage("a grace period shorter than a job",
                        m -> ((ObjectNode) podSpec(m)).put("terminationGracePeriodSeconds", 30),
                        "terminationGracePeriodSeconds is 30"),
                breakage("a worker deadline longer than the pod's grace period",
                        m -> configMap(m).put("RECAPTION_JOBS_SHUTDOWN_GRACE", "PT20M"),
                        "recaption.jobs.shutdown-grace lets the worker take 1200 s"),
                breakage("a worker deadline that wastes the pod's grace period",
                        m -> configMap(m).put("RECAPTION_JOBS_SHUTDOWN_GRACE", "30s"),
                        "abandons the running job after 30 s"),
                breakage("a ServiceAccount without an IRSA role",
                        m -> ((ObjectNode) m.single("ServiceAccount").orElseThrow().path("metadata")).remove("annotations"),
                        "eks.amazonaws.com/role-arn"),
                breakage("a Service that selects other pods",
                        m -> ((ObjectNode) spec(m, "Service").path("selector")).put("app.kubernetes.io/name", "other"),
                        "no Service selects the worker pods"),
                breakage("a disruption budget that blocks every drain",
                        m -> spec(m, "PodDisruptionBudget").put("minAvailable", 1),
                        "minAvailable"),
                breakage("a worker without its pod's name as its id",
                        m -> ((ObjectNode) worker(m)).remove("env"),
                        FleetChecks.WORKER_ID_ENV),
                breakage("a Kubernetes API token mounted for nothing",
                        m -> ((ObjectNode) podSpec(m)).put("automountServiceAccountToken", true),
                        "automountServiceAccountToken"),
                breakage("a NetworkPolicy that selects other pods",
                        m -> ((ObjectNode) spec(m, "NetworkPolicy").path("podSelector").path("matchLabels"))
                                .put("app.kubernetes.io/name", "other"),
                        "no NetworkPolicy selects the worker pods"),
                breakage("a NetworkPolicy open to every source",
                        m -> ((ObjectNode) spec(m, "NetworkPolicy").path("ingress").get(0)).remove("from"),
                        "admits every source"),
                breakage("a NetworkPolicy that admits labelled pods of any namespace",
                        m -> ((ObjectNode) spec(m, "NetworkPolicy").path("ingress").get(0).path("from").get(0))
                                .putObject("namespaceSelector"),
                        "names no namespace"),
                breakage("a NetworkPolicy that admits namespaces by a label of their own",
                        m -> ((ObjectNode) spec(m, "NetworkPolicy").path("ingress").get(0).path("from").get(0))
                                .putObject("namespaceSelector").putObject("matchLabels").put("team", "recaption"),
                        "names no namespace"),
                breakage("egress to the instance metadata endpoint",
                        m -> ((ObjectNode) spec(m, "NetworkPolicy").path("egress").get(0).path("to").get(0).path("ipBlock")).remove("except"),
                        "instance metadata endpoint"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("breakages")
    void reportsWhatBreaksTheContract(String what, Consumer<Manifests> breakIt, String expected) {
        Manifests broken = base().copy();
        breakIt.accept(broken);
        List<String> violations = ContractChecks.check(broken, Project.applicationProperties());
        assertTrue(violations.stream().anyMatch(v -> v.contains(expected)),
                what + ": expected a violation mentioning '" + expected + "', got " + violations);
    }

    @Test
    void workerChannelsMustConsumeWhatKedaWatchesFromTheSameOffset(@TempDir Path dir) throws IOException {
        String channel = """
                mp.messaging.incoming.inversion-requests.connector=smallrye-kafka
                mp.messaging.incoming.inversion-requests.topic=${recaption.topics.inversion-requests}
                mp.messaging.incoming.inversion-requests.group.id=${recaption.consumer-group}
                """;
        Path agreeing = withProperties(dir, "agreeing.properties",
                channel + "mp.messaging.incoming.inversion-requests.auto.offset.reset=earliest\n");
        assertEquals(List.of(), ContractChecks.check(base(), AppConfig.load(agreeing)));

        Path latest = withProperties(dir, "latest.properties", channel);
        assertTrue(ContractChecks.check(base(), AppConfig.load(latest)).stream().anyMatch(v -> v.contains("at 'latest'")),
                "a channel left at Kafka's default auto.offset.reset=latest must be reported");

        Path otherGroup = withProperties(dir, "group.properties", channel.replace("${recaption.consumer-group}", "workers")
                + "mp.messaging.incoming.inversion-requests.auto.offset.reset=earliest\n");
        assertTrue(ContractChecks.check(base(), AppConfig.load(otherGroup)).stream().anyMatch(v -> v.contains("as group workers")),
                "a channel consuming under another group must be reported");
    }

    @Test
    void workerShutdownMustFitInTheGracePeriod(@TempDir Path dir) throws IOException {
        Path fits = withProperties(dir, "fits.properties", "quarkus.shutdown.timeout=10m\n");
        assertEquals(List.of(), ContractChecks.check(base(), AppConfig.load(fits)));
        Path tooLong = withProperties(dir, "long.properties", "recaption.shutdown.grace-period=PT20M\n");
        assertTrue(ContractChecks.check(base(), AppConfig.load(tooLong)).stream().anyMatch(v -> v.contains("recaption.shutdown.grace-period")),
                "a worker grace period longer than terminationGracePeriodSeconds must be reported");
    }

    /**
     * application.properties without its Kafka channel and shutdown settings, plus {@code extra} lines, written to
     * {@code dir}: each case decides those settings itself.
     */
    private static Path withProperties(Path dir, String name, String extra) throws IOException {
        Path file = dir.resolve(name);
        String contract = Files.readString(Project.root().resolve("src/main/resources/application.properties")).lines()
                .filter(l -> !l.startsWith("mp.messaging.incoming.") && !l.startsWith("kafka.auto.offset.reset")
                        && !l.startsWith("kafka.group.id") && !l.contains("shutdown"))
                .collect(Collectors.joining("\n"));
        Files.writeString(file, contract + "\n" + extra);
        return file;
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

    private static ObjectNode worker(Manifests m) {
        for (JsonNode c : podSpec(m).path("containers")) {
            if (c.path("name").asText().equals(ContractChecks.WORKER_CONTAINER)) {
                return (ObjectNode) c;
            }
        }
        throw new AssertionError("no worker container");
    }

    private static ObjectNode trigger(Manifests m, int index) {
        return (ObjectNode) ((ArrayNode) spec(m, "ScaledObject").path("triggers")).get(index).path("metadata");
    }

    private static ObjectNode configMap(Manifests m) {
        return (ObjectNode) m.single("ConfigMap").orElseThrow().path("data");
    }
}
