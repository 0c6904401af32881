package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile, read without a Docker daemon (none here): the stages each build-argument combination uses,
 * the libtorch selection it bakes into the runtime environment (against the pom and DJL's JNI jar), and what the
 * Kubernetes manifests assume of the image (user, port, command, writable paths).
 */
@Tag("integration")
class DockerfileTest {

    private static final String GPU_FLAVOR = "cu128";

    private static Dockerfile dockerfile() {
        return Dockerfile.parse(Manifests.read(Project.root().resolve("Dockerfile")));
    }

    /** The libtorch flavors the Dockerfile can build: its stages named libtorch-&lt;flavor&gt;. */
    private static List<String> flavors(Dockerfile dockerfile) {
        return dockerfile.stages().stream()
                .map(Dockerfile.Stage::name)
                .filter(n -> n != null && n.startsWith("libtorch-") && !n.equals("libtorch-tools"))
                .map(n -> n.substring("libtorch-".length()))
                .toList();
    }

    @Test
    void offersTheCpuAndTheCudaVariant() {
        Dockerfile dockerfile = dockerfile();
        assertEquals(Set.of("cpu", GPU_FLAVOR), Set.copyOf(flavors(dockerfile)));
        assertEquals("cpu", dockerfile.globalArgs().get("TORCH_FLAVOR"), "the default build is the CPU variant");
        assertEquals(Project.pomProperty("pytorch.version"), dockerfile.globalArgs().get("PYTORCH_VERSION"),
                "the Dockerfile's PYTORCH_VERSION must be the pom's pytorch.version (the JNI in the app is built for it)");
    }

    @Test
    void eachBuildUsesExactlyItsLibtorchAndItsAppSource() {
        Dockerfile dockerfile = dockerfile();
        List<String> flavors = flavors(dockerfile);
        for (String flavor : flavors) {
            for (String source : List.of("maven", "prebuilt")) {
                Set<String> used = dockerfile.stagesUsed(Map.of("TORCH_FLAVOR", flavor, "APP_SOURCE", source));
                String build = "TORCH_FLAVOR=" + flavor + " APP_SOURCE=" + source;
                assertTrue(used.contains("libtorch-" + flavor), build + " must build libtorch-" + flavor + ": " + used);
                assertTrue(used.contains("app-" + source), build + " must build app-" + source + ": " + used);
                flavors.stream().filter(f -> !f.equals(flavor))
                        .forEach(f -> assertFalse(used.contains("libtorch-" + f), build + " must not build libtorch-" + f));
                assertFalse(used.contains("app-" + (source.equals("maven") ? "prebuilt" : "maven")), build + " builds both app sources");
            }
        }
        assertThrows(IllegalStateException.class, () -> dockerfile.stagesUsed(Map.of("TORCH_FLAVOR", "rocm")),
                "a flavor without a libtorch stage must not resolve");
    }

    /** The CUDA libtorch is downloaded: the build checks it against a SHA-256 it must be given, or fails. */
    @Test
    void theDownloadedLibtorchIsCheckedAlways() {
        Dockerfile.Stage gpu = dockerfile().stage("libtorch-" + GPU_FLAVOR).orElseThrow();
        String download = gpu.arguments("RUN").stream().filter(run -> run.contains("curl")).findFirst().orElseThrow();
        int fetched = download.indexOf("curl");
        int required = download.indexOf("test -n \"${LIBTORCH_SHA256}\" ||");
        assertTrue(required >= 0 && required < fetched, "the build stops before downloading without a checksum: " + download);
        assertTrue(download.contains("echo \"${LIBTORCH_SHA256}  /tmp/libtorch.zip\" | sha256sum -c -"), download);
        assertFalse(download.contains("if [ -n \"${LIBTORCH_SHA256}\" ]"), "the check is not optional: " + download);
        assertFalse(gpu.arguments("ARG").stream().anyMatch(arg -> arg.startsWith("LIBTORCH_SHA256=")),
                "no default checksum to fall back on");
    }

    @Test
    void runtimeSelectsTheImagesLibtorchOffline() {
        Dockerfile dockerfile = dockerfile();
        String version = Project.pomProperty("pytorch.version");
        for (String flavor : flavors(dockerfile)) {
            Map<String, String> env = dockerfile.env(dockerfile.last(), Map.of("TORCH_FLAVOR", flavor));
            assertEquals(flavor, env.get("PYTORCH_FLAVOR"));
            assertEquals(version, env.get("PYTORCH_VERSION"));
            assertEquals("true", env.get("DJL_OFFLINE"));
            // one glibc heap, read only at process start: without it the JNI threads' heaps map and unmap every
            // block over 64 MB, and real-size activations are faulted in afresh on every op (HostMemory)
            assertEquals("1", env.get("MALLOC_ARENA_MAX"));
            assertNotNull(env.get("PYTORCH_LIBRARY_PATH"));
            assertTrue(env.get("PYTORCH_LIBRARY_PATH").startsWith("/opt/libtorch"), "libtorch is laid out under /opt/libtorch");
        }
    }

    /** DJL's JNI jar (on this classpath through the pom) must carry the bridge for every flavor the image offers. */
    @Test
    void djlJniCoversEveryFlavor() throws IOException {
        URL properties = Thread.currentThread().getContextClassLoader().getResource("jnilib/pytorch.properties");
        assertNotNull(properties, "pytorch-jni is not on the test classpath");
        JarURLConnection connection = (JarURLConnection) properties.openConnection();
        connection.setUseCaches(false);
        try (JarFile jar = connection.getJarFile(); InputStream in = jar.getInputStream(jar.getEntry("jnilib/pytorch.properties"))) {
            Properties jni = new Properties();
            jni.load(in);
            assertTrue(jni.getProperty("jni_version").startsWith(Project.pomProperty("pytorch.version") + "-"),
                    "JNI " + jni.getProperty("jni_version") + " is not for the pom's libtorch");
            for (String flavor : flavors(dockerfile())) {
                assertNotNull(jar.getEntry("jnilib/linux-x86_64/" + flavor + "/libdjl_torch.so"),
                        jar.getName() + " has no linux-x86_64 JNI for " + flavor);
            }
        }
    }

    @Test
    void runsServeAsTheNonRootUserAndPortOfTheManifests() {
        Dockerfile.Stage runtime = dockerfile().last();
        Manifests base = Manifests.kustomization(Project.k8s().resolve("base"));
        JsonNode podSecurity = base.single("Deployment").orElseThrow().path("spec").path("template").path("spec").path("securityContext");

        List<String> users = runtime.arguments("USER");
        assertEquals(1, users.size(), "one USER in the runtime stage");
        String[] user = users.get(0).split(":");
        assertTrue(user[0].matches("\\d+"), "USER must be numeric, or runAsNonRoot cannot verify it: " + users.get(0));
        assertNotEquals("0", user[0]);
        assertEquals(podSecurity.path("runAsUser").asText(), user[0], "the pod's runAsUser is the image's user");
        assertEquals(podSecurity.path("runAsGroup").asText(), user.length > 1 ? user[1] : user[0], "the pod's runAsGroup is the image's group");

        String port = Project.applicationProperties().property("quarkus.http.port").orElse("8080");
        assertEquals(List.of(port), runtime.arguments("EXPOSE"));

        List<String> entrypoint = Dockerfile.execForm(runtime, "ENTRYPOINT");
        assertEquals("/app/quarkus-run.jar", entrypoint.get(entrypoint.size() - 1), "the entry point runs the fast-jar");
        assertEquals(List.of("serve"), Dockerfile.execForm(runtime, "CMD"));
    }

    /** Under readOnlyRootFilesystem the image may write only where the pod mounts a volume. */
    @Test
    void imageWritesOnlyWhereThePodMountsVolumes() {
        Dockerfile dockerfile = dockerfile();
        Map<String, String> env = dockerfile.env(dockerfile.last(), Map.of());
        Manifests base = Manifests.kustomization(Project.k8s().resolve("base"));
        JsonNode worker = OverlayChecks.worker(base.single("Deployment").orElseThrow().path("spec").path("template").path("spec"));
        assertTrue(worker.path("securityContext").path("readOnlyRootFilesystem").asBoolean(false));
        for (String path : List.of(env.get("DJL_CACHE_DIR"), "/tmp")) {
            boolean writable = false;
            for (JsonNode mount : worker.path("volumeMounts")) {
                String at = mount.path("mountPath").asText();
                writable |= !mount.path("readOnly").asBoolean(false) && (path.equals(at) || path.startsWith(at + "/"));
            }
            assertTrue(writable, path + " is written by the image but on no writable volume of the worker");
        }
        assertEquals(base.single("ConfigMap").orElseThrow().path("data").path("RECAPTION_MODEL_PATH").asText(), env.get("RECAPTION_MODEL_PATH"),
                "the image's default model path and the deployment's differ");
    }

    /** The build context (.dockerignore) must let through what the Dockerfile copies from it. */
    @Test
    void dockerignoreKeepsWhatTheBuildCopies() {
        List<String> keep = Manifests.read(Project.root().resolve(".dockerignore")).lines()
                .map(String::strip)
                .filter(l -> l.startsWith("!"))
                .map(l -> l.substring(1).replaceAll("/$", ""))
                .toList();
        for (Dockerfile.Stage stage : dockerfile().stages()) {
            for (String copy : stage.arguments("COPY")) {
                if (copy.contains("--from=")) {
                    continue;
                }
                List<String> tokens = List.of(copy.split("\\s+")).stream().filter(t -> !t.startsWith("--")).toList();
                for (String source : tokens.subList(0, tokens.size() - 1)) {
                    String path = source.replaceAll("/$", "");
                    assertTrue(keep.stream().anyMatch(k -> path.equals(k) || path.startsWith(k + "/")),
                            "COPY " + source + " is excluded from the build context by .dockerignore (keeps " + keep + ")");
                }
            }
        }
    }
}
