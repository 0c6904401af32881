package io.recaption.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Kubernetes objects read from YAML: a kustomize base as written, or the output of {@code kubectl kustomize}. */
final class Manifests {

    static final YAMLMapper YAML = new YAMLMapper();

    private final List<ObjectNode> documents;

    private Manifests(List<ObjectNode> documents) {
        this.documents = documents;
    }

    /** Every non-empty document of a multi-document YAML stream. */
    static Manifests parse(String yaml) {
        List<ObjectNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode node = it.next();
                if (node instanceof ObjectNode object && !object.isEmpty()) {
                    documents.add(object);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(documents);
    }

    /**
     * The objects a kustomization declares, before kustomize's rewrites: its {@code resources} files and one
     * ConfigMap per {@code configMapGenerator} entry (named without the content hash, like the references to
     * it in the resources).
     */
    static Manifests kustomization(Path dir) {
        JsonNode kustomization = readTree(dir.resolve("kustomization.yaml"));
        List<ObjectNode> documents = new ArrayList<>();
        for (JsonNode resource : kustomization.path("resources")) {
            Path file = dir.resolve(resource.asText());
            if (!Files.isRegularFile(file)) {
                throw new IllegalArgumentException(dir + ": resource " + resource.asText() + " is not a file");
            }
            documents.addAll(parse(read(file)).documents);
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            Map<String, String> data = new LinkedHashMap<>();
            for (JsonNode envs : generator.path("envs")) {
                data.putAll(envFile(dir.resolve(envs.asText())));
            }
            for (JsonNode literal : generator.path("literals")) {
                String[] pair = literal.asText().split("=", 2);
                data.put(pair[0], pair.length > 1 ? pair[1] : "");
            }
            ObjectNode configMap = YAML.createObjectNode();
            configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
            configMap.putObject("metadata").put("name", generator.path("name").asText());
            ObjectNode dataNode = configMap.putObject("data");
            data.forEach(dataNode::put);
            documents.add(configMap);
        }
        return new Manifests(documents);
    }

    /** A kustomize env file: KEY=VALUE lines, '#' comments and blank lines skipped, values taken literally. */
    static Map<String, String> envFile(Path file) {
        Map<String, String> entries = new LinkedHashMap<>();
        for (String line : read(file).split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] pair = trimmed.split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException(file + ": not KEY=VALUE: " + line);
            }
            entries.put(pair[0], pair[1]);
        }
        return entries;
    }

    static JsonNode readTree(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<ObjectNode> documents() {
        return documents;
    }

    List<ObjectNode> all(String kind) {
        return documents.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    /** The only object of {@code kind}; empty when there is none or more than one. */
    Optional<ObjectNode> single(String kind) {
        List<ObjectNode> found = all(kind);
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    Optional<ObjectNode> named(String kind, String name) {
        return all(kind).stream().filter(d -> name.equals(d.path("metadata").path("name").asText())).findFirst();
    }

    /** A deep copy, for tests that break one field and expect the checks to notice. */
    Manifests copy() {
        return new Manifests(documents.stream().map(ObjectNode::deepCopy).toList());
    }
}
