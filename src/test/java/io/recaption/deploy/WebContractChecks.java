package io.recaption.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Where the caption editor's manifests (k8s/web) must agree with the application and with the worker's base: it
 * runs the {@code web} command on CPU (no GPU, no model, no init step), probes the paths Quarkus serves on its
 * http port, reads only keys the application knows, publishes to the topics the worker consumes and uploads into a
 * bucket the worker may read, under its own IRSA identity (not the worker's), and adds no CORS. Each
 * disagreement becomes one message.
 */
final class WebContractChecks {

    static final String WEB_CONTAINER = "web";
    static final long DEFAULT_MAX_IMAGE_BYTES = 26_214_400L;
    static final String AUTH_ENV = "RECAPTION_WEB_AUTH_";
    private static final Pattern APP_ENV = Pattern.compile("(RECAPTION|QUARKUS|KAFKA|MP_MESSAGING|SMALLRYE)_.+");
    private static final Pattern IRSA_ROLE = Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:role/.+");
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)", Pattern.CASE_INSENSITIVE);

    private final Manifests web;
    private final Manifests worker;
    private final AppConfig app;
    private final List<String> violations = new ArrayList<>();

    private WebContractChecks(Manifests web, Manifests worker, AppConfig app) {
        this.web = web;
        this.worker = worker;
        this.app = app;
    }

    static List<String> check(Manifests web, Manifests worker, AppConfig app) {
        WebContractChecks checks = new WebContractChecks(web, worker, app);
        checks.run();
        return checks.violations;
    }

    private void run() {
        for (String kind : List.of("Namespace", "ScaledObject")) {
            if (!web.all(kind).isEmpty()) {
                fail("k8s/web declares a " + kind + ": the namespace belongs to the worker's base, and the editor is not scaled on lag");
            }
        }
        Optional<ObjectNode> deployment = web.single("Deployment");
        if (deployment.isEmpty()) {
            fail("expected exactly one Deployment in k8s/web");
            return;
        }
        JsonNode pod = deployment.get().path("spec").path("template");
        JsonNode podSpec = pod.path("spec");
        Optional<JsonNode> container = stream(podSpec.path("containers")).filter(c -> WEB_CONTAINER.equals(c.path("name").asText())).findFirst();
        if (container.isEmpty()) {
            fail("the editor's Deployment has no container named " + WEB_CONTAINER);
            return;
        }
        JsonNode web = container.get();
        Map<String, String> env = environment(web);
        List<String> argv = new ArrayList<>();
        web.path("args").forEach(a -> argv.add(a.asText()));
        if (!argv.equals(List.of("web"))) {
            fail("the editor container runs " + argv + " instead of the web command");
        }
        if (deployment.get().path("spec").path("replicas").asInt(1) < 2) {
            fail("the editor runs one replica: a rollout or a node drain would take it down (replicas >= 2)");
        }
        if (podSpec.has("initContainers") || stream(podSpec.path("containers")).anyMatch(c -> c.toString().contains("nvidia.com/gpu"))) {
            fail("the editor loads no model and needs no GPU: no init container, no nvidia.com/gpu");
        }
        int port = Integer.parseInt(app.resolve("quarkus.http.port", env).orElse("8080"));
        Optional<Integer> declared = stream(web.path("ports")).filter(p -> "http".equals(p.path("name").asText()))
                .map(p -> p.path("containerPort").asInt()).findFirst();
        if (declared.isEmpty() || declared.get() != port) {
            fail("the editor's http port is " + declared.map(String::valueOf).orElse("undeclared") + " but quarkus.http.port is " + port);
        }
        Map.of("readinessProbe", "/q/health/ready", "livenessProbe", "/q/health/live").forEach((probe, path) -> {
            String probed = web.path(probe).path("httpGet").path("path").asText("(none)");
            if (!path.equals(probed)) {
                fail("the editor's " + probe + " checks " + probed + " but the application serves " + path);
            }
        });
        checkEnvironment(env);
        checkIdentity(podSpec);
        checkSecurity(podSpec, web);
        checkCredentials(web);
        checkService(pod.path("metadata").path("labels"));
        checkNetworkPolicy(pod.path("metadata").path("labels"));
        checkIngresses();
    }

    private Map<String, String> environment(JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : container.path("envFrom")) {
            String name = from.path("configMapRef").path("name").asText();
            Optional<ObjectNode> configMap = web.named("ConfigMap", name);
            if (configMap.isEmpty()) {
                fail("the editor's envFrom names ConfigMap " + name + ", which is not among the manifests");
                continue;
            }
            configMap.get().path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        }
        for (JsonNode entry : container.path("env")) {
            env.put(entry.path("name").asText(), entry.has("value") ? entry.path("value").asText() : "<from a secret>");
        }
        return env;
    }

    /** Known keys only; the worker's topics, bucket and prefix; an upload bucket the worker may read; no CORS. */
    private void checkEnvironment(Map<String, String> env) {
        for (String name : env.keySet()) {
            if (APP_ENV.matcher(name).matches() && app.keyForEnv(name).isEmpty() && !ContractChecks.QUARKUS_KEYS.contains(keyOf(name))) {
                fail("the editor's environment sets " + name + ", which is the environment form of no key the application reads");
            }
            if (name.startsWith("QUARKUS_HTTP_CORS")) {
                fail("the editor's environment turns on CORS (" + name + "): page and API share one origin, none is needed");
            }
        }
        Map<String, String> workerEnv = new LinkedHashMap<>();
        worker.all("ConfigMap").forEach(c -> c.path("data").fields().forEachRemaining(e -> workerEnv.put(e.getKey(), e.getValue().asText())));
        for (String key : List.of("kafka.bootstrap.servers", "recaption.topics.inversion-requests", "recaption.topics.edit-requests",
                "recaption.artifacts.bucket", "recaption.artifacts.prefix")) {
            String mine = app.resolve(key, env).orElse("");
            String theirs = app.resolve(key, workerEnv).orElse("");
            if (!mine.equals(theirs)) {
                fail("the editor's " + key + " is '" + mine + "' but the worker's is '" + theirs + "' (" + AppConfig.envName(key) + ")");
            }
        }
        String uploads = firstBucket(env);
        List<String> readable = List.of(app.resolve("recaption.input.buckets", workerEnv).orElse(firstBucket(workerEnv)).split(","));
        if (!readable.contains(uploads)) {
            fail("the editor uploads into bucket " + uploads + ", which is not among the worker's input buckets " + readable);
        }
    }

    private String firstBucket(Map<String, String> env) {
        return app.resolve("recaption.input.buckets", env).or(() -> app.resolve("recaption.artifacts.bucket", env))
                .orElse("").split(",")[0].strip();
    }

    private static String keyOf(String envName) {
        return ContractChecks.QUARKUS_KEYS.stream().filter(k -> AppConfig.envName(k).equals(envName)).findFirst().orElse("");
    }

    private void checkIdentity(JsonNode podSpec) {
        String name = podSpec.path("serviceAccountName").asText("");
        Optional<ObjectNode> account = web.named("ServiceAccount", name);
        if (account.isEmpty()) {
            fail("the editor's ServiceAccount '" + name + "' is not among its manifests");
            return;
        }
        if (podSpec.path("automountServiceAccountToken").asBoolean(true)) {
            fail("the editor's pods mount a Kubernetes API token (automountServiceAccountToken) they never use");
        }
        String role = account.get().path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText("");
        if (!IRSA_ROLE.matcher(role).matches()) {
            fail("ServiceAccount " + name + " has no eks.amazonaws.com/role-arn annotation with an IAM role ARN");
        }
        for (ObjectNode workerAccount : worker.all("ServiceAccount")) {
            if (workerAccount.path("metadata").path("name").asText().equals(name)
                    || workerAccount.path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText().equals(role)) {
                fail("the editor uses the worker's identity (" + name + ", " + role + "): it needs its own, smaller role");
            }
        }
    }

    private void checkSecurity(JsonNode podSpec, JsonNode container) {
        if (!podSpec.path("securityContext").path("runAsNonRoot").asBoolean(false)) {
            fail("the editor's pod does not set runAsNonRoot: true");
        }
        JsonNode security = container.path("securityContext");
        if (security.path("allowPrivilegeEscalation").asBoolean(true) || !security.path("readOnlyRootFilesystem").asBoolean(false)) {
            fail("the editor container must set allowPrivilegeEscalation: false and readOnlyRootFilesystem: true");
        }
        boolean tmp = stream(container.path("volumeMounts")).anyMatch(m -> "/tmp".equals(m.path("mountPath").asText()));
        if (!tmp) {
            fail("the editor writes uploads to /tmp while it checks them: mount a volume there (the root filesystem is read-only)");
        }
    }

    /**
     * Closed by default: the pod must not start without its credentials. A Secret referenced only with
     * {@code optional: true} lets a pod start with none when the Secret is missing, and the editor is then open to
     * whoever reaches it; at least one RECAPTION_WEB_AUTH_* value must come from a Secret that is required.
     */
    private void checkCredentials(JsonNode container) {
        boolean required = stream(container.path("env"))
                .filter(e -> e.path("name").asText().startsWith(AUTH_ENV))
                .map(e -> e.path("valueFrom").path("secretKeyRef"))
                .anyMatch(ref -> !ref.isMissingNode() && !ref.path("optional").asBoolean(false));
        if (!required) {
            fail("the editor's credentials (" + AUTH_ENV + "*) come from no required Secret key: with the Secret missing"
                    + " the pod starts without them (set optional: false, at least on the token)");
        }
    }

    /** A NetworkPolicy of the editor's pods that keeps them off the instance metadata endpoint (the node's role). */
    private void checkNetworkPolicy(JsonNode podLabels) {
        boolean guarded = web.all("NetworkPolicy").stream()
                .filter(p -> contains(podLabels, p.path("spec").path("podSelector").path("matchLabels")))
                .anyMatch(p -> p.path("spec").path("egress").toString().contains("169.254.169.254/32"));
        if (!guarded) {
            fail("no NetworkPolicy keeps the editor's pods from the instance metadata endpoint (169.254.169.254)");
        }
    }

    private void checkService(JsonNode podLabels) {
        boolean served = web.all("Service").stream().anyMatch(s -> contains(podLabels, s.path("spec").path("selector")));
        if (!served) {
            fail("no Service of k8s/web selects the editor's pods");
        }
        for (ObjectNode deployment : worker.all("Deployment")) {
            if (contains(podLabels, deployment.path("spec").path("selector").path("matchLabels"))) {
                fail("the worker's Deployment selector matches the editor's pods: its disruption budget and scaler would count them");
            }
        }
    }

    /** An Ingress must reach the editor's Service by a port it has, and let an upload of the worker's size through. */
    void checkIngresses() {
        for (ObjectNode ingress : web.all("Ingress")) {
            ingress.findParents("service").stream().map(b -> b.path("service")).forEach(backend -> {
                String service = backend.path("name").asText();
                JsonNode port = backend.path("port");
                boolean reaches = web.named("Service", service).stream().flatMap(s -> stream(s.path("spec").path("ports")))
                        .anyMatch(p -> port.has("name") ? p.path("name").asText().equals(port.path("name").asText())
                                : p.path("port").asInt() == port.path("number").asInt());
                if (!reaches) {
                    fail("the Ingress backend " + service + ":" + port + " is no port of the editor's Service");
                }
            });
            String size = ingress.path("metadata").path("annotations").path("nginx.ingress.kubernetes.io/proxy-body-size").asText("1m");
            long max = Long.parseLong(app.resolve("recaption.limits.max-image-bytes", Map.of()).orElse(String.valueOf(DEFAULT_MAX_IMAGE_BYTES)));
            if (bytes(size) < max) {
                fail("the Ingress lets bodies of " + size + " through, less than an upload may have (" + max + " bytes)");
            }
        }
    }

    private static long bytes(String size) {
        Matcher m = SIZE.matcher(size.strip());
        if (!m.matches()) {
            return 0;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    private static boolean contains(JsonNode labels, JsonNode selector) {
        if (!selector.isObject() || selector.isEmpty()) {
            return false;
        }
        Iterable<String> names = selector::fieldNames;
        return StreamSupport.stream(names.spliterator(), false).allMatch(k -> selector.path(k).asText().equals(labels.path(k).asText(null)));
    }

    private static Stream<JsonNode> stream(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false);
    }

    private void fail(String message) {
        violations.add(message);
    }
}
