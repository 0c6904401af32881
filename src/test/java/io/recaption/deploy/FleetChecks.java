package io.recaption.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The worker's deployment as a member of a fleet and a tenant of a cluster (issue 10): it names itself by its
 * pod (leases, manifests, Kafka static membership), mounts no Kubernetes API token, and a NetworkPolicy admits
 * only labelled clients and Prometheus in named namespaces to its HTTP port and keeps it away from the instance metadata endpoint.
 */
final class FleetChecks {

    static final String WORKER_ID_ENV = "RECAPTION_WORKER_ID";
    static final String METADATA_V4 = "169.254.169.254/32";
    static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

    private FleetChecks() {}

    /** Violations of the fleet and tenancy rules by the worker's pod ({@code deployment}) and the manifests. */
    static List<String> check(Manifests manifests, ObjectNode deployment, JsonNode worker) {
        List<String> violations = new ArrayList<>();
        JsonNode pod = deployment.path("spec").path("template");
        JsonNode podSpec = pod.path("spec");
        boolean workerId = false;
        for (JsonNode entry : worker.path("env")) {
            if (WORKER_ID_ENV.equals(entry.path("name").asText())) {
                workerId = "metadata.name".equals(entry.path("valueFrom").path("fieldRef").path("fieldPath").asText());
            }
        }
        if (!workerId) {
            violations.add("the worker sets no " + WORKER_ID_ENV + " from the pod's metadata.name (leases and Kafka static"
                    + " membership need a unique, stable id per pod)");
        }
        if (podSpec.path("automountServiceAccountToken").asBoolean(true)) {
            violations.add("the worker pod mounts a Kubernetes API token (automountServiceAccountToken is not false); it never"
                    + " calls the API");
        }
        List<ObjectNode> policies = manifests.all("NetworkPolicy").stream()
                .filter(p -> selects(p.path("spec").path("podSelector").path("matchLabels"), pod.path("metadata").path("labels")))
                .toList();
        if (policies.isEmpty()) {
            violations.add("no NetworkPolicy selects the worker pods");
            return violations;
        }
        ObjectNode policy = policies.get(0);
        JsonNode spec = policy.path("spec");
        List<String> types = new ArrayList<>();
        spec.path("policyTypes").forEach(t -> types.add(t.asText()));
        if (!types.contains("Ingress") || !types.contains("Egress")) {
            violations.add("the worker's NetworkPolicy must restrict both Ingress and Egress, it has " + types);
        }
        for (JsonNode rule : spec.path("ingress")) {
            if (rule.path("from").isEmpty()) {
                violations.add("a NetworkPolicy ingress rule admits every source");
            }
            for (JsonNode from : rule.path("from")) {
                if (from.has("ipBlock") || (from.path("podSelector").path("matchLabels").isEmpty()
                        && from.path("podSelector").path("matchExpressions").isEmpty())) {
                    violations.add("a NetworkPolicy ingress source is not a labelled set of pods: " + from);
                }
                // a pod label alone is chosen by whoever runs the pod, in any namespace: the namespace must be named
                // by the label the API server sets (kubernetes.io/metadata.name), which no tenant can give itself
                if (from.path("namespaceSelector").path("matchLabels").path(NAMESPACE_NAME).asText("").isEmpty()) {
                    violations.add("a NetworkPolicy ingress source names no namespace (namespaceSelector matchLabels "
                            + NAMESPACE_NAME + "): " + from);
                }
            }
            List<String> ports = new ArrayList<>();
            rule.path("ports").forEach(p -> ports.add(p.path("port").asText()));
            if (ports.isEmpty() || !ports.stream().allMatch(p -> p.equals("http") || p.equals("8080"))) {
                violations.add("a NetworkPolicy ingress rule opens ports other than the HTTP port: " + ports);
            }
        }
        boolean metadataDenied = !spec.path("egress").isEmpty();
        for (JsonNode rule : spec.path("egress")) {
            if (rule.path("to").isEmpty()) {
                metadataDenied = false;
            }
            for (JsonNode to : rule.path("to")) {
                Optional<JsonNode> block = Optional.ofNullable(to.get("ipBlock"));
                boolean v4 = block.map(b -> b.path("cidr").asText()).filter(c -> c.contains(".")).isPresent();
                if (v4 && !contains(block.get().path("except"), METADATA_V4)) {
                    metadataDenied = false;
                }
                if (block.isEmpty()) {
                    metadataDenied = false;
                }
            }
        }
        if (!metadataDenied) {
            violations.add("the worker's NetworkPolicy lets it reach the instance metadata endpoint " + METADATA_V4);
        }
        return violations;
    }

    private static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return true;
        }
        var fields = selector.fields();
        while (fields.hasNext()) {
            var entry = fields.next();
            if (!entry.getValue().asText().equals(labels.path(entry.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (value.equals(item.asText())) {
                return true;
            }
        }
        return false;
    }
}
