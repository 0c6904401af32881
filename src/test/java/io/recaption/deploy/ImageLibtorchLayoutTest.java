package io.recaption.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image's libtorch step without Docker: src/main/docker/libtorch.sh lays out the CPU natives and DJL's JNI
 * from the very jars the pom brings, then a child JVM with the runtime stage's environment
 * (PYTORCH_LIBRARY_PATH, PYTORCH_VERSION, PYTORCH_FLAVOR, DJL_OFFLINE) must load the engine from there and
 * write nothing to DJL's cache directory. The CUDA natives come from download.pytorch.org at image build time,
 * which this machine cannot reach; for cu128 only the JNI step is run.
 */
@Tag("integration")
class ImageLibtorchLayoutTest {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    static Path work;

    private static Path appLib;
    private static String version;

    @BeforeAll
    static void appLibraryFolder() throws IOException, URISyntaxException {
        assumeTrue(Tools.onPath("unzip").isPresent() && Tools.onPath("sh").isPresent(),
                "unzip or sh not on PATH: skipping the image's libtorch layout (Dockerfile stage libtorch-cpu)");
        version = Project.pomProperty("pytorch.version");
        // the image's lib/main holds the same jars; link them instead of copying 100 MB
        appLib = Files.createDirectories(work.resolve("app-lib"));
        for (String resource : List.of("jnilib/pytorch.properties", "native/lib/pytorch.properties")) {
            Path jar = jarOf(resource);
            Files.createSymbolicLink(appLib.resolve(jar.getFileName()), jar);
        }
    }

    /** The links point into ~/.m2; remove them before JUnit cleans the folder (it warns about links). */
    @AfterAll
    static void unlinkJars() throws IOException {
        if (appLib != null) {
            try (Stream<Path> links = Files.list(appLib)) {
                for (Path link : links.toList()) {
                    Files.delete(link);
                }
            }
        }
    }

    private static Path jarOf(String resource) throws IOException, URISyntaxException {
        URL url = Thread.currentThread().getContextClassLoader().getResource(resource);
        assertNotNull(url, resource + " is not on the test classpath");
        return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().toURI());
    }

    private static Tools.Result script(String... args) {
        List<String> command = Stream.concat(Stream.of("sh", Project.root().resolve("src/main/docker/libtorch.sh").toString()), Stream.of(args)).toList();
        return Tools.run(work, Map.of(), TIMEOUT, command);
    }

    @Test
    void cpuLayoutLoadsOfflineFromPytorchLibraryPath() throws IOException {
        Path lib = work.resolve("cpu/opt/libtorch/lib");
        Tools.Result natives = script("cpu-natives", appLib.toString(), version, lib.toString());
        assertTrue(natives.ok(), natives.describe());
        Tools.Result jni = script("jni", appLib.toString(), version, "cpu", lib.toString());
        assertTrue(jni.ok(), jni.describe());
        assertTrue(Files.isRegularFile(lib.resolve("libtorch.so")) && Files.isRegularFile(lib.resolve("libdjl_torch.so")));

        Path cache = Files.createDirectories(work.resolve("djl-cache"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Tools.Result probe = Tools.run(work, Map.of(
                        "PYTORCH_LIBRARY_PATH", lib.toString(),
                        "PYTORCH_VERSION", version,
                        "PYTORCH_FLAVOR", "cpu",
                        "DJL_OFFLINE", "true",
                        "DJL_CACHE_DIR", cache.toString(),
                        "ENGINE_CACHE_DIR", cache.toString()),
                TIMEOUT,
                List.of(java.toString(), "-cp", System.getProperty("java.class.path"), LibtorchProbe.class.getName()));
        System.out.println(probe.output().lines().filter(l -> l.startsWith("engine=") || l.startsWith("libtorch=") || l.startsWith("sum=")).toList());
        assertTrue(probe.ok(), probe.describe());
        assertTrue(probe.output().contains("libtorch=" + lib), "DJL did not load libtorch from PYTORCH_LIBRARY_PATH:\n" + probe.output());
        assertTrue(probe.output().contains("sum=45.0"), probe.describe());
        try (Stream<Path> written = Files.list(cache)) {
            assertEquals(List.of(), written.toList(), "DJL wrote to its cache although libtorch and the JNI were in place");
        }
    }

    @Test
    void gpuJniIsTakenFromTheAppsJar() {
        Path lib = work.resolve("cu128/opt/libtorch/lib");
        Tools.Result jni = script("jni", appLib.toString(), version, "cu128", lib.toString());
        assertTrue(jni.ok(), jni.describe());
        assertTrue(Files.isRegularFile(lib.resolve("libdjl_torch.so")));
    }

    @Test
    void refusesNativesOrJniOfAnotherVersionOrFlavor() {
        Tools.Result wrongVersion = script("jni", appLib.toString(), "2.5.1", "cpu", work.resolve("x").toString());
        assertFalse(wrongVersion.ok());
        assertTrue(wrongVersion.output().contains("expected 2.5.1"), wrongVersion.describe());
        Tools.Result wrongFlavor = script("jni", appLib.toString(), version, "cu999", work.resolve("x").toString());
        assertFalse(wrongFlavor.ok());
        assertTrue(wrongFlavor.output().contains("no JNI for flavor cu999"), wrongFlavor.describe());
        Tools.Result wrongNatives = script("cpu-natives", appLib.toString(), "2.5.1", work.resolve("x").toString());
        assertFalse(wrongNatives.ok());
        assertTrue(wrongNatives.output().contains("expected 2.5.1"), wrongNatives.describe());
    }
}
