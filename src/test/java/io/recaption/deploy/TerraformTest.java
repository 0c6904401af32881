package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * terraform/ checked offline: {@code terraform fmt -check}, {@code init -backend=false} + {@code validate} of the
 * module and the example root with providers from a local filesystem mirror, the module's own
 * {@code terraform test} (AWS provider mocked), and its defaults (topics, namespace, service account, artifacts
 * prefix, partitions) against application.properties and k8s/. Everything runs on a copy in a temporary
 * folder (lock files, .terraform), so nothing is written into the repository.
 *
 * <p>The mirror is /opt/tf-plugins unless {@code TF_PLUGIN_MIRROR} names another; without terraform or a mirror
 * the tests are skipped (terraform init would need the network).
 */
@Tag("integration")
class TerraformTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String MODULE = "modules/recaption";
    private static final String EXAMPLE = "examples/eks";

    @TempDir
    static Path work;

    private static Path terraform;
    private static Path copy;
    private static Map<String, String> env;

    @BeforeAll
    static void initializeOffline() throws IOException {
        terraform = Tools.onPath("terraform").orElse(null);
        assumeTrue(terraform != null, "terraform is not on PATH: skipping the terraform/ checks");
        Path mirror = Path.of(System.getenv().getOrDefault("TF_PLUGIN_MIRROR", "/opt/tf-plugins"));
        assumeTrue(Files.isDirectory(mirror.resolve("registry.terraform.io/hashicorp/aws")),
                "no AWS provider in the mirror " + mirror + " (set TF_PLUGIN_MIRROR): terraform init would need the network");

        Path cliConfig = work.resolve("terraform.rc");
        Files.writeString(cliConfig, "provider_installation {\n  filesystem_mirror {\n    path = \"" + mirror + "\"\n  }\n}\n");
        env = new HashMap<>(Map.of(
                "TF_CLI_CONFIG_FILE", cliConfig.toString(),
                "TF_IN_AUTOMATION", "1",
                "TF_INPUT", "0",
                "CHECKPOINT_DISABLE", "1",
                "AWS_EC2_METADATA_DISABLED", "true"));

        copy = work.resolve("terraform");
        copyTree(Project.terraform(), copy);
        for (String root : List.of(MODULE, EXAMPLE)) {
            Tools.Result init = tf(root, "init", "-backend=false", "-input=false", "-no-color");
            assertTrue(init.ok(), init.describe());
        }
    }

    /**
     * init links the provider from the mirror into each data folder; remove the data folders without following
     * those links before JUnit cleans up (it warns about links that leave the temporary folder).
     */
    @AfterAll
    static void removeDataFolders() throws IOException {
        Path data = work.resolve("data");
        if (!Files.exists(data)) {
            return;
        }
        Files.walkFileTree(data, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** terraform in one root of the copy, with its own data folder. */
    private static Tools.Result tf(String root, String... args) {
        return tf(null, root, args);
    }

    private static Tools.Result tf(Path stdin, String root, String... args) {
        Map<String, String> rootEnv = new HashMap<>(env);
        rootEnv.put("TF_DATA_DIR", work.resolve("data").resolve(root.replace('/', '-')).toString());
        List<String> command = new ArrayList<>(List.of(terraform.toString()));
        command.addAll(List.of(args));
        return Tools.run(copy.resolve(root), rootEnv, TIMEOUT, command, stdin);
    }

    @Test
    void isFormatted() {
        Tools.Result fmt = Tools.run(Project.terraform(), env, TIMEOUT,
                List.of(terraform.toString(), "fmt", "-check", "-recursive", "-diff", "-no-color"));
        assertTrue(fmt.ok(), "run terraform fmt -recursive terraform/\n" + fmt.describe());
    }

    @Test
    void moduleAndExampleValidate() {
        for (String root : List.of(MODULE, EXAMPLE)) {
            Tools.Result validate = tf(root, "validate", "-no-color");
            assertTrue(validate.ok(), validate.describe());
        }
    }

    /** The module's tests (tests/*.tftest.hcl): bucket hardening, lifecycle, least-privilege role, topic bounds. */
    @Test
    void moduleTestsPass() throws IOException {
        JsonNode version = new ObjectMapper().readTree(Tools.run(work, env, TIMEOUT,
                List.of(terraform.toString(), "version", "-json")).output());
        String[] v = version.path("terraform_version").asText("0.0").split("\\.");
        assumeTrue(Integer.parseInt(v[0]) > 1 || Integer.parseInt(v[1]) >= 7,
                "terraform " + version.path("terraform_version").asText() + " has no mock providers (1.7+): skipping terraform test");
        Tools.Result test = tf(MODULE, "test", "-no-color");
        System.out.println(test.output().lines().filter(l -> l.contains("run \"") || l.contains("passed")).toList());
        assertTrue(test.ok(), test.describe());
    }

    /** The module's defaults are what k8s/ and application.properties assume. */
    @Test
    void moduleDefaultsAgreeWithTheManifests() throws IOException {
        // terraform console evaluates the expressions it reads from standard input
        Path expression = work.resolve("console.txt");
        Files.writeString(expression, "jsonencode({topics = var.kafka_topics, max = local.max_worker_replicas,"
                + " namespace = var.namespace, serviceAccount = var.service_account_name, artifactsPrefix = var.artifacts_prefix,"
                + " roleName = local.role_name, webServiceAccount = var.web_service_account_name, webRoleName = local.web_role_name})\n");
        Tools.Result console = tf(expression, MODULE, "console", "-no-color",
                "-var", "bucket_name=recaption-artifacts",
                "-var", "oidc_provider_arn=arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE");
        assertTrue(console.ok(), console.describe());
        JsonNode defaults = new ObjectMapper().readTree(new ObjectMapper().readValue(console.output().strip(), String.class));

        Manifests base = Manifests.kustomization(Project.k8s().resolve("base"));
        AppConfig app = Project.applicationProperties();
        Map<String, String> workerEnv = new HashMap<>();
        base.single("ConfigMap").orElseThrow().path("data").fields().forEachRemaining(e -> workerEnv.put(e.getKey(), e.getValue().asText()));

        defaults.path("topics").fields().forEachRemaining(topic -> {
            String key = "recaption.topics." + topic.getKey();
            assertEquals(app.resolve(key, workerEnv).orElse("(no " + key + ")"), topic.getValue().path("name").asText(),
                    "terraform's topic for " + topic.getKey() + " and the worker's " + key + " differ");
        });
        JsonNode namespace = Manifests.readTree(Project.k8s().resolve("base/kustomization.yaml")).path("namespace");
        assertEquals(namespace.asText(), defaults.path("namespace").asText(), "IRSA trusts another namespace than k8s/base");
        JsonNode podSpec = base.single("Deployment").orElseThrow().path("spec").path("template").path("spec");
        assertEquals(podSpec.path("serviceAccountName").asText(), defaults.path("serviceAccount").asText(),
                "IRSA trusts another ServiceAccount than the worker's");
        // the worker adds the trailing '/' to a non-empty prefix; terraform's variable requires it
        String workerPrefix = app.resolve("recaption.artifacts.prefix", workerEnv).orElse("").strip();
        assertEquals(workerPrefix.isEmpty() || workerPrefix.endsWith("/") ? workerPrefix : workerPrefix + "/",
                defaults.path("artifactsPrefix").asText(), "terraform grants writes under another artifacts prefix than the worker uses");
        String roleArn = base.single("ServiceAccount").orElseThrow().path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText();
        assertTrue(roleArn.endsWith(":role/" + defaults.path("roleName").asText()),
                "the ServiceAccount's placeholder role " + roleArn + " is not terraform's default role name " + defaults.path("roleName").asText());

        // the caption editor (k8s/web) has its own ServiceAccount and role
        Manifests web = Manifests.kustomization(Project.k8s().resolve("web"));
        JsonNode webPod = web.single("Deployment").orElseThrow().path("spec").path("template").path("spec");
        assertEquals(webPod.path("serviceAccountName").asText(), defaults.path("webServiceAccount").asText(),
                "IRSA trusts another ServiceAccount than the caption editor's");
        String webRoleArn = web.single("ServiceAccount").orElseThrow().path("metadata").path("annotations").path("eks.amazonaws.com/role-arn").asText();
        assertTrue(webRoleArn.endsWith(":role/" + defaults.path("webRoleName").asText()),
                "the editor's placeholder role " + webRoleArn + " is not terraform's default " + defaults.path("webRoleName").asText());

        int bound = defaults.path("max").asInt();
        List<Integer> maxReplicas = scaledObjectMaxReplicas();
        assertFalse(maxReplicas.isEmpty(), "no maxReplicaCount in k8s/");
        for (int max : maxReplicas) {
            assertTrue(max <= bound, "maxReplicaCount " + max + " exceeds the request topics' partitions (" + bound + ")");
        }
    }

    /** maxReplicaCount of every ScaledObject (base and overlay patches) under k8s/. */
    private static List<Integer> scaledObjectMaxReplicas() throws IOException {
        List<Integer> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Project.k8s())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Manifests.parse(Manifests.read(file)).all("ScaledObject").stream()
                        .filter(s -> s.path("spec").has("maxReplicaCount"))
                        .forEach(s -> found.add(s.path("spec").path("maxReplicaCount").asInt()));
            }
        }
        return found;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals(".terraform")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir)));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (!file.getFileName().toString().equals(".terraform.lock.hcl")) {
                    Files.copy(file, to.resolve(from.relativize(file)));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
