package io.recaption.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** What distinguishes the GPU overlay's worker pods from the CPU overlay's. */
final class OverlayChecks {

    static final String GPU_RESOURCE = "nvidia.com/gpu";

    private OverlayChecks() {}

    /** One GPU for the worker container, a toleration for GPU nodes' taint, and a node selector. */
    static List<String> gpu(JsonNode deployment) {
        List<String> violations = new ArrayList<>();
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        JsonNode worker = worker(podSpec);
        JsonNode resources = worker.path("resources");
        if (resources.path("limits").path(GPU_RESOURCE).asInt(0) != 1) {
            violations.add("the worker's limits must ask for exactly one " + GPU_RESOURCE + ", not "
                    + resources.path("limits").path(GPU_RESOURCE));
        }
        if (resources.path("requests").has(GPU_RESOURCE) && resources.path("requests").path(GPU_RESOURCE).asInt() != 1) {
            violations.add("the worker's requests must equal its limit of one " + GPU_RESOURCE);
        }
        boolean tolerates = false;
        for (JsonNode toleration : podSpec.path("tolerations")) {
            tolerates |= GPU_RESOURCE.equals(toleration.path("key").asText())
                    && toleration.path("effect").asText("NoSchedule").equals("NoSchedule");
        }
        if (!tolerates) {
            violations.add("the worker pods do not tolerate the " + GPU_RESOURCE + ":NoSchedule taint of GPU nodes");
        }
        if (podSpec.path("nodeSelector").isEmpty() && podSpec.path("affinity").path("nodeAffinity").isMissingNode()) {
            violations.add("the worker pods select no GPU nodes (nodeSelector or node affinity)");
        }
        return violations;
    }

    /** No GPU anywhere: a CPU pod must schedule on nodes without one. */
    static List<String> cpu(JsonNode deployment) {
        List<String> violations = new ArrayList<>();
        JsonNode podSpec = deployment.path("spec").path("template").path("spec");
        for (JsonNode container : podSpec.path("containers")) {
            if (container.path("resources").path("limits").has(GPU_RESOURCE) || container.path("resources").path("requests").has(GPU_RESOURCE)) {
                violations.add("container " + container.path("name").asText() + " asks for a GPU");
            }
        }
        for (JsonNode toleration : podSpec.path("tolerations")) {
            if (GPU_RESOURCE.equals(toleration.path("key").asText())) {
                violations.add("the CPU pods tolerate GPU nodes: they would take GPU capacity");
            }
        }
        return violations;
    }

    static JsonNode worker(JsonNode podSpec) {
        for (JsonNode container : podSpec.path("containers")) {
            if (ContractChecks.WORKER_CONTAINER.equals(container.path("name").asText())) {
                return container;
            }
        }
        throw new AssertionError("no " + ContractChecks.WORKER_CONTAINER + " container");
    }
}
