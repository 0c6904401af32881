package io.recaption.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Where the Kubernetes manifests and the application's configuration must agree: environment-variable names,
 * topics and consumer group (application ↔ ConfigMap ↔ KEDA triggers ↔ the worker's Kafka channels), HTTP
 * port and health/metrics paths (application ↔ probes, Service, scrape annotations), the model folder (↔ the
 * volume an init step fills), IRSA, grace period, scale-to-zero. Each disagreement becomes one message.
 */
final class ContractChecks {

    static final String WORKER_CONTAINER = "worker";

    /** The topics whose consumer lag scales the worker: recaption.topics.&lt;role&gt;, also the channel names. */
    static final List<String> REQUEST_ROLES = List.of("inversion-requests", "edit-requests");

    /** Keys of Quarkus and its extensions that the deployment may set without application.properties listing them. */
    static final Set<String> QUARKUS_KEYS = Set.of(
            "quarkus.s3.aws.region",
            "quarkus.s3.endpoint-override",
            "quarkus.s3.path-style-access",
            "quarkus.s3.aws.credentials.type",
            "quarkus.log.level",
            "quarkus.shutdown.timeout");

    /**
     * Keys of the worker's {@code @ConfigMapping} (issue 4) that the deployment sets, taken on trust only while the
     * worker's classes are not compiled into target/classes; once they are, its mapping is read instead.
     */
    static final Set<String> WORKER_KEYS_BEFORE_MERGE = Set.of("recaption.input.buckets", "recaption.jobs.shutdown-grace",
            "recaption.input.prefixes", "recaption.model.name", "recaption.worker-id");

    /** ConfigMap entries read by the deployment itself (the model-sync init container), not by the worker. */
    static final Set<String> DEPLOYMENT_ONLY_ENV = Set.of("MODEL_S3_URI");

    /** A job runs for minutes; a shorter grace period would cut every job that a scale-down interrupts. */
    static final Duration MIN_GRACE_PERIOD = Duration.ofMinutes(5);

    /** Time between the worker's own shutdown deadline and the kubelet's SIGKILL. */
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(30);

    private static final Pattern APP_ENV = Pattern.compile("(RECAPTION|QUARKUS|KAFKA|MP_MESSAGING|SMALLRYE)_.+");
    private static final Pattern IRSA_ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");
    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private final Manifests manifests;
    private final AppConfig app;
    private final List<String> violations = new ArrayList<>();

    private ContractChecks(Manifests manifests, AppConfig app) {
        this.manifests = manifests;
        this.app = app;
    }

    /** Every disagreement between {@code manifests} and {@code app}; empty when they agree. */
    static List<String> check(Manifests manifests, AppConfig app) {
        ContractChecks checks = new ContractChecks(manifests, app);
        checks.run();
        return checks.violations;
    }

    private void run() {
        Optional<ObjectNode> found = manifests.single("Deployment");
        if (found.isEmpty()) {
            fail("expected exactly one Deployment, found " + manifests.all("Deployment").size());
            return;
        }
        ObjectNode deployment = found.get();
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode podSpec = pod.path("spec");
        Optional<JsonNode> worker = container(podSpec.path("containers"), WORKER_CONTAINER);
        if (worker.isEmpty()) {
            fail("the Deployment has no container named " + WORKER_CONTAINER);
            return;
        }
        Map<String, String> env = environment(worker.get());
        JsonNode podLabels = pod.path("metadata").path("labels");

        checkEnvironmentNames(env);
        if (!contains(podLabels, deployment.path("spec").path("selector").path("matchLabels"))) {
            fail("the Deployment's selector does not match its pod labels");
        }
        checkCommand(worker.get());
        int httpPort = checkHttpPort(worker.get(), env);
        checkProbes(worker.get(), env, httpPort);
        checkScrapeAnnotations(pod.path("metadata").path("annotations"), env, httpPort);
        checkModelVolume(podSpec, worker.get(), env);
        checkServiceAccount(podSpec);
        checkGracePeriod(podSpec, env);
        checkPodSecurity(podSpec, worker.get());
        checkService(podLabels, worker.get(), httpPort);
        checkDisruptionBudget(podLabels);
        checkScaledObject(deployment, env);
        violations.addAll(FleetChecks.check(manifests, deployment, worker.get()));
    }

    // ---- environment ----

    /** The worker container's environment: envFrom ConfigMaps, then env entries (which win). */
    private Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String name = from.path("configMapRef").path("name").asText(null);
            if (name == null) {
                continue;
            }
            Optional<ObjectNode> configMap = manifests.named("ConfigMap", name);
            if (configMap.isEmpty()) {
                fail("the worker's envFrom names ConfigMap " + name + ", which is not among the manifests");
                continue;
            }
            String prefix = from.path("prefix").asText("");
            configMap.get().path("data").fields().forEachRemaining(e -> env.put(prefix + e.getKey(), e.getValue().asText()));
        }
        for (JsonNode entry : container.path("env")) {
            String name = entry.path("name").asText();
            if (entry.has("value")) {
                env.put(name, entry.path("value").asText());
            } else if (entry.path("valueFrom").has("configMapKeyRef")) {
                configMapValue(entry.path("valueFrom").path("configMapKeyRef"), "env " + name)
                        .ifPresent(value -> env.put(name, value));
            } else {
                env.put(name, "<from " + entry.path("valueFrom").fieldNames().next() + ">");
            }
        }
        return env;
    }

    private Optional<String> configMapValue(JsonNode ref, String where) {
        String name = ref.path("name").asText();
        String key = ref.path("key").asText();
        Optional<ObjectNode> configMap = manifests.named("ConfigMap", name);
        if (configMap.isEmpty() || !configMap.get().path("data").has(key)) {
            fail(where + " refers to " + name + "/" + key + ", which does not exist");
            return Optional.empty();
        }
        return Optional.of(configMap.get().path("data").path(key).asText());
    }

    /** Every variable that looks like application configuration must name a key the application reads. */
    private void checkEnvironmentNames(Map<String, String> env) {
        for (String name : env.keySet()) {
            if (DEPLOYMENT_ONLY_ENV.contains(name) || !APP_ENV.matcher(name).matches()) {
                continue;
            }
            boolean known = app.keyForEnv(name).isPresent()
                    || assumedKeys().stream().anyMatch(key -> AppConfig.envName(key).equals(name));
            if (!known) {
                fail("the worker's environment sets " + name + ", which is the environment form of no key the worker"
                        + " reads (application.properties" + (app.hasMapping() ? ", its @ConfigMapping" : "") + ", " + assumedKeys() + ")");
            }
        }
    }

    /** Keys known to exist without application.properties or a compiled @ConfigMapping listing them. */
    private Set<String> assumedKeys() {
        Set<String> keys = new TreeSet<>(QUARKUS_KEYS);
        if (!app.hasMapping()) {
            keys.addAll(WORKER_KEYS_BEFORE_MERGE);
        }
        return keys;
    }

    private void checkCommand(JsonNode worker) {
        List<String> argv = new ArrayList<>();
        worker.path("command").forEach(a -> argv.add(a.asText()));
        worker.path("args").forEach(a -> argv.add(a.asText()));
        if (!argv.isEmpty() && !argv.contains("serve")) {
            fail("the worker container runs " + argv + " instead of the serve command");
        }
    }

    // ---- HTTP: port, probes, metrics ----

    private int checkHttpPort(JsonNode worker, Map<String, String> env) {
        int expected = Integer.parseInt(app.resolve("quarkus.http.port", env).orElse("8080"));
        Optional<Integer> declared = namedPort(worker, "http");
        if (declared.isEmpty()) {
            fail("the worker container declares no port named http");
        } else if (declared.get() != expected) {
            fail("the worker's http port is " + declared.get() + " but quarkus.http.port is " + expected);
        }
        return expected;
    }

    private void checkProbes(JsonNode worker, Map<String, String> env, int httpPort) {
        String health = under(nonApplicationRoot(env), app.resolve("quarkus.smallrye-health.root-path", env).orElse("health"));
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("startupProbe", under(health, app.resolve("quarkus.smallrye-health.startup-path", env).orElse("started")));
        expected.put("readinessProbe", under(health, app.resolve("quarkus.smallrye-health.readiness-path", env).orElse("ready")));
        expected.put("livenessProbe", under(health, app.resolve("quarkus.smallrye-health.liveness-path", env).orElse("live")));
        expected.forEach((probe, path) -> {
            JsonNode httpGet = worker.path(probe).path("httpGet");
            if (httpGet.isMissingNode()) {
                fail("the worker has no " + probe + " with httpGet on " + path);
                return;
            }
            if (!path.equals(httpGet.path("path").asText())) {
                fail(probe + " checks " + httpGet.path("path").asText() + " but the application serves " + path);
            }
            Optional<Integer> port = port(worker, httpGet.path("port"));
            if (port.isEmpty() || port.get() != httpPort) {
                fail(probe + " uses port " + httpGet.path("port").asText() + ", not the http port " + httpPort);
            }
        });
    }

    private void checkScrapeAnnotations(JsonNode annotations, Map<String, String> env, int httpPort) {
        String metrics = under(nonApplicationRoot(env), app.resolve("quarkus.micrometer.export.prometheus.path", env).orElse("metrics"));
        if (annotations.has("prometheus.io/path") && !metrics.equals(annotations.path("prometheus.io/path").asText())) {
            fail("prometheus.io/path is " + annotations.path("prometheus.io/path").asText() + " but metrics are at " + metrics);
        }
        if (annotations.has("prometheus.io/port") && !String.valueOf(httpPort).equals(annotations.path("prometheus.io/port").asText())) {
            fail("prometheus.io/port is " + annotations.path("prometheus.io/port").asText() + ", not the http port " + httpPort);
        }
    }

    private String nonApplicationRoot(Map<String, String> env) {
        String root = app.resolve("quarkus.http.root-path", env).orElse("/");
        return under(root, app.resolve("quarkus.http.non-application-root-path", env).orElse("q"));
    }

    /** Quarkus's rule for its path settings: absolute if it starts with '/', else relative to the parent. */
    private static String under(String parent, String path) {
        if (path.startsWith("/")) {
            return path;
        }
        return (parent.endsWith("/") ? parent : parent + "/") + path;
    }

    // ---- model, identity, lifecycle, security ----

    private void checkModelVolume(JsonNode podSpec, JsonNode worker, Map<String, String> env) {
        Optional<String> modelPath = app.resolve("recaption.model.path", env);
        if (modelPath.isEmpty()) {
            fail("application.properties has no recaption.model.path");
            return;
        }
        if (!modelPath.get().startsWith("/")) {
            fail("recaption.model.path is " + modelPath.get() + " in the container: relative to a read-only working directory");
            return;
        }
        Optional<JsonNode> mount = stream(worker.path("volumeMounts"))
                .filter(m -> isUnder(modelPath.get(), m.path("mountPath").asText()))
                .findFirst();
        if (mount.isEmpty()) {
            fail("recaption.model.path " + modelPath.get() + " is on no volume of the worker container");
            return;
        }
        String volume = mount.get().path("name").asText();
        boolean filledByInitStep = stream(podSpec.path("initContainers"))
                .flatMap(c -> stream(c.path("volumeMounts")))
                .anyMatch(m -> volume.equals(m.path("name").asText()) && !m.path("readOnly").asBoolean(false));
        if (!filledByInitStep) {
            fail("the model volume " + volume + " is written by no init container: nothing puts the model there");
        }
    }

    private static boolean isUnder(String path, String mountPath) {
        String mount = mountPath.endsWith("/") ? mountPath : mountPath + "/";
        return path.equals(mountPath) || path.startsWith(mount);
    }

    private void checkServiceAccount(JsonNode podSpec) {
        String name = podSpec.path("serviceAccountName").asText(null);
        if (name == null) {
            fail("the worker pod names no serviceAccountName (IRSA needs one)");
            return;
        }
        Optional<ObjectNode> account = manifests.named("ServiceAccount", name);
        if (account.isEmpty()) {
            fail("ServiceAccount " + name + " is not among the manifests");
            return;
        }
        String role = account.get().path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText("");
        if (!IRSA_ROLE.matcher(role).matches()) {
            fail("ServiceAccount " + name + " has no eks.amazonaws.com/role-arn annotation with an IAM role ARN: '" + role + "'");
        }
    }

    private void checkGracePeriod(JsonNode podSpec, Map<String, String> env) {
        Duration grace = Duration.ofSeconds(podSpec.path("terminationGracePeriodSeconds").asLong(30));
        if (grace.compareTo(MIN_GRACE_PERIOD) < 0) {
            fail("terminationGracePeriodSeconds is " + grace.toSeconds() + ", shorter than one job (at least "
                    + MIN_GRACE_PERIOD.toSeconds() + ")");
        }
        Set<String> keys = new TreeSet<>(app.keys());
        keys.addAll(assumedKeys());
        for (String key : keys) {
            String last = key.substring(key.lastIndexOf('.') + 1);
            boolean quarkus = key.equals("quarkus.shutdown.timeout");
            if (!quarkus && !(key.startsWith("recaption.") && (last.contains("grace") || last.contains("shutdown")))) {
                continue;
            }
            Optional<String> value = app.resolve(key, env);
            if (value.isEmpty()) {
                continue;
            }
            Duration worker = parseDuration(value.get(), key);
            if (worker.plus(SHUTDOWN_MARGIN).compareTo(grace) > 0) {
                fail(key + " lets the worker take " + worker.toSeconds() + " s to stop, but Kubernetes kills it after "
                        + grace.toSeconds() + " s (keep " + SHUTDOWN_MARGIN.toSeconds() + " s of margin)");
            } else if (!quarkus && worker.multipliedBy(2).compareTo(grace) < 0) {
                fail(key + " abandons the running job after " + worker.toSeconds() + " s although Kubernetes grants "
                        + grace.toSeconds() + " s: set it (" + AppConfig.envName(key) + ") to most of the grace period");
            }
        }
    }

    /** Quarkus's duration syntax: a number of seconds, a number with ms/s/m/h/d, or ISO-8601. */
    static Duration parseDuration(String value, String key) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        Matcher simple = SIMPLE_DURATION.matcher(text);
        if (simple.matches()) {
            long n = Long.parseLong(simple.group(1));
            String unit = simple.group(2) == null ? "s" : simple.group(2);
            return switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofSeconds(n);
            };
        }
        try {
            return Duration.parse(text.startsWith("p") ? text.toUpperCase(Locale.ROOT) : "PT" + text.toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + "=" + value + " is not a duration", e);
        }
    }

    private void checkPodSecurity(JsonNode podSpec, JsonNode worker) {
        JsonNode pod = podSpec.path("securityContext");
        if (!pod.path("runAsNonRoot").asBoolean(false)) {
            fail("the pod does not set runAsNonRoot: true");
        }
        if (pod.has("runAsUser") && pod.path("runAsUser").asLong() == 0) {
            fail("the pod runs as root (runAsUser 0)");
        }
        if (worker.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true)) {
            fail("the worker container allows privilege escalation");
        }
    }

    // ---- Service, PodDisruptionBudget ----

    private void checkService(JsonNode podLabels, JsonNode worker, int httpPort) {
        boolean reachable = manifests.all("Service").stream()
                .filter(s -> contains(podLabels, s.path("spec").path("selector")))
                .flatMap(s -> stream(s.path("spec").path("ports")))
                .anyMatch(p -> port(worker, p.has("targetPort") ? p.path("targetPort") : p.path("port")).orElse(-1) == httpPort);
        if (!reachable) {
            fail("no Service selects the worker pods on the http port " + httpPort);
        }
    }

    private void checkDisruptionBudget(JsonNode podLabels) {
        Optional<ObjectNode> pdb = manifests.single("PodDisruptionBudget");
        if (pdb.isEmpty()) {
            fail("expected exactly one PodDisruptionBudget");
            return;
        }
        JsonNode spec = pdb.get().path("spec");
        if (!contains(podLabels, spec.path("selector").path("matchLabels"))) {
            fail("the PodDisruptionBudget does not select the worker pods");
        }
        if (spec.has("minAvailable")) {
            fail("the PodDisruptionBudget sets minAvailable: with one worker (or none) that blocks every node drain; use maxUnavailable");
        } else if (!spec.has("maxUnavailable")) {
            fail("the PodDisruptionBudget sets neither maxUnavailable nor minAvailable");
        }
    }

    // ---- KEDA and the worker's Kafka channels ----

    private void checkScaledObject(ObjectNode deployment, Map<String, String> env) {
        Optional<ObjectNode> found = manifests.single("ScaledObject");
        if (found.isEmpty()) {
            fail("expected exactly one KEDA ScaledObject");
            return;
        }
        JsonNode spec = found.get().path("spec");
        JsonNode target = spec.path("scaleTargetRef");
        String deploymentName = deployment.path("metadata").path("name").asText();
        if (!deploymentName.equals(target.path("name").asText()) || !"Deployment".equals(target.path("kind").asText("Deployment"))) {
            fail("the ScaledObject scales " + target.path("kind").asText("Deployment") + "/" + target.path("name").asText()
                    + ", not Deployment/" + deploymentName);
        }
        if (!target.path("envSourceContainerName").asText(WORKER_CONTAINER).equals(WORKER_CONTAINER)) {
            fail("the ScaledObject reads environment variables from container "
                    + target.path("envSourceContainerName").asText() + ", not " + WORKER_CONTAINER);
        }
        if (!spec.has("minReplicaCount") || spec.path("minReplicaCount").asInt() != 0) {
            fail("the ScaledObject must set minReplicaCount: 0 (scale to zero)");
        }
        if (!spec.has("maxReplicaCount") || spec.path("maxReplicaCount").asInt() < 1) {
            fail("the ScaledObject must set maxReplicaCount >= 1 (bounded by the request topics' partitions)");
        }

        Optional<String> group = app.resolve("recaption.consumer-group", env);
        if (group.isEmpty()) {
            fail("application.properties has no recaption.consumer-group");
            return;
        }
        Map<String, JsonNode> triggersByTopic = new HashMap<>();
        for (JsonNode trigger : spec.path("triggers")) {
            if (!"kafka".equals(trigger.path("type").asText())) {
                fail("unexpected trigger type " + trigger.path("type").asText() + " (the worker scales on Kafka lag)");
                continue;
            }
            JsonNode metadata = trigger.path("metadata");
            String topic = fromEnvOrValue(metadata, "topic", env);
            triggersByTopic.put(topic, metadata);
            String triggerGroup = fromEnvOrValue(metadata, "consumerGroup", env);
            if (!group.get().equals(triggerGroup)) {
                fail("the trigger on " + topic + " watches consumer group " + triggerGroup + ", but the worker's group is " + group.get());
            }
            checkBootstrapServers(metadata, topic, env);
            if (metadata.path("allowIdleConsumers").asBoolean(false)) {
                fail("the trigger on " + topic + " sets allowIdleConsumers: replicas beyond the partitions would sit idle");
            }
        }
        for (String role : REQUEST_ROLES) {
            Optional<String> topic = app.resolve("recaption.topics." + role, env);
            if (topic.isEmpty()) {
                fail("application.properties has no recaption.topics." + role);
                continue;
            }
            JsonNode trigger = triggersByTopic.remove(topic.get());
            if (trigger == null) {
                fail("no Kafka trigger on " + topic.get() + " (recaption.topics." + role + "); triggers are on " + triggersByTopic.keySet());
                continue;
            }
            checkChannel(role, topic.get(), group.get(), trigger.path("offsetResetPolicy").asText("latest"), env);
        }
        triggersByTopic.keySet().forEach(topic -> fail("a Kafka trigger watches " + topic + ", which is no request topic of the worker"));
    }

    private void checkBootstrapServers(JsonNode metadata, String topic, Map<String, String> env) {
        String envName = AppConfig.envName("kafka.bootstrap.servers");
        if (metadata.has("bootstrapServersFromEnv")) {
            String named = metadata.path("bootstrapServersFromEnv").asText();
            if (!envName.equals(named) || !env.containsKey(named)) {
                fail("the trigger on " + topic + " takes bootstrap servers from $" + named + ", but the worker's are in $"
                        + envName + (env.containsKey(envName) ? "" : " (unset)"));
            }
        } else {
            String servers = metadata.path("bootstrapServers").asText();
            Optional<String> worker = app.resolve("kafka.bootstrap.servers", env);
            if (worker.isEmpty() || !worker.get().equals(servers)) {
                fail("the trigger on " + topic + " reads Kafka at " + servers + ", the worker at " + worker.orElse("(unset)"));
            }
        }
    }

    /**
     * The worker's incoming channel for a request topic, once application.properties configures it (the worker
     * names channels after the topics' roles): same topic, same group, and the same offset reset as KEDA's
     * lag computation, or a fresh group would start where KEDA does not count from.
     */
    private void checkChannel(String role, String topic, String group, String kedaOffsetReset, Map<String, String> env) {
        String prefix = "mp.messaging.incoming." + role + ".";
        if (app.keys().stream().noneMatch(key -> key.startsWith(prefix))) {
            return;
        }
        String channelTopic = app.resolve(prefix + "topic", env).orElse(role);
        if (!topic.equals(channelTopic)) {
            fail("channel " + role + " consumes " + channelTopic + " but the trigger watches " + topic);
        }
        String channelGroup = app.resolve(prefix + "group.id", env)
                .or(() -> app.resolve("kafka.group.id", env))
                .or(() -> app.resolve("quarkus.application.name", env))
                .orElse("(a random id)");
        if (!group.equals(channelGroup)) {
            fail("channel " + role + " consumes as group " + channelGroup + " but KEDA watches group " + group);
        }
        String reset = app.resolve(prefix + "auto.offset.reset", env)
                .or(() -> app.resolve("kafka.auto.offset.reset", env))
                .orElse("latest");
        if (!reset.equals(kedaOffsetReset)) {
            fail("channel " + role + " starts a new consumer group at '" + reset + "' but KEDA counts lag from '"
                    + kedaOffsetReset + "' (offsetResetPolicy): requests that scaled the worker up from zero would be skipped,"
                    + " or lag would never drain");
        }
    }

    private String fromEnvOrValue(JsonNode metadata, String parameter, Map<String, String> env) {
        if (metadata.has(parameter + "FromEnv")) {
            return env.getOrDefault(metadata.path(parameter + "FromEnv").asText(), "(unset $" + metadata.path(parameter + "FromEnv").asText() + ")");
        }
        return metadata.path(parameter).asText();
    }

    // ---- helpers ----

    private static Optional<JsonNode> container(JsonNode containers, String name) {
        return stream(containers).filter(c -> name.equals(c.path("name").asText())).findFirst();
    }

    private static Optional<Integer> namedPort(JsonNode container, String name) {
        return stream(container.path("ports"))
                .filter(p -> name.equals(p.path("name").asText()))
                .map(p -> p.path("containerPort").asInt())
                .findFirst();
    }

    /** A port given by number or by the name of one of the container's ports. */
    private static Optional<Integer> port(JsonNode container, JsonNode reference) {
        if (reference.isInt()) {
            return Optional.of(reference.asInt());
        }
        if (reference.asText().matches("\\d+")) {
            return Optional.of(Integer.parseInt(reference.asText()));
        }
        return namedPort(container, reference.asText());
    }

    /** Whether every label of {@code selector} is among {@code labels} (and the selector is not empty). */
    private static boolean contains(JsonNode labels, JsonNode selector) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        return stream(selector.fieldNames()).allMatch(k -> selector.path(k).asText().equals(labels.path(k).asText(null)));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private static Stream<String> stream(Iterator<String> names) {
        Iterable<String> iterable = () -> names;
        return StreamSupport.stream(iterable.spliterator(), false);
    }

    private void fail(String message) {
        violations.add(message);
    }
}
