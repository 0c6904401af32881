package io.recaption.worker;

import io.quarkus.bootstrap.app.AugmentResult;
import io.quarkus.bootstrap.app.CuratedApplication;
import io.quarkus.bootstrap.app.QuarkusBootstrap;
import io.recaption.worker.testengine.TestJobEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Builds a production jar of the worker whose engine is the test engine: the application's own classes plus
 * the test engine's package, augmented by Quarkus as {@code mvn package} would (the way Quarkus's own
 * prod-mode tests do it). Tests run it as a child process, so it can be killed.
 */
public final class WorkerJar {

    private WorkerJar() {}

    /**
     * Builds into {@code target/worker-under-test} and returns the runnable jar; a jar built there from the
     * same classes (none changed since) is reused, so the process tests of one build augment once.
     */
    public static Path build() throws Exception {
        Path project = Path.of("").toAbsolutePath();
        Path classes = project.resolve("target/classes");
        Path testClasses = project.resolve("target/test-classes");
        Path out = project.resolve("target/worker-under-test");
        String enginePackage0 = TestJobEngine.class.getPackageName().replace('.', '/');
        Path built = out.resolve("build/quarkus-app/quarkus-run.jar");
        if (Files.isRegularFile(built) && Files.getLastModifiedTime(built).toMillis()
                > Math.max(newest(classes), newest(testClasses.resolve(enginePackage0)))) {
            System.out.println("worker jar up to date, reused: " + built);
            return built;
        }
        deleteTree(out);
        Path appRoot = out.resolve("app-root");
        copyTree(classes, appRoot);
        String enginePackage = TestJobEngine.class.getPackageName().replace('.', '/');
        copyTree(testClasses.resolve(enginePackage), appRoot.resolve(enginePackage));
        Properties build = new Properties();
        build.setProperty("quarkus.arc.selected-alternatives", TestJobEngine.class.getName());
        QuarkusBootstrap bootstrap = QuarkusBootstrap.builder()
                .setApplicationRoot(appRoot)
                .setMode(QuarkusBootstrap.Mode.PROD)
                .setLocalProjectDiscovery(true)
                .setIsolateDeployment(true)
                .addExcludedPath(testClasses)
                .setProjectRoot(testClasses)
                .setTargetDirectory(out.resolve("build"))
                .setBaseName("worker-under-test")
                .setBuildSystemProperties(build)
                .build();
        try (CuratedApplication application = bootstrap.bootstrap()) {
            AugmentResult result = application.createAugmentor().createProductionApplication();
            return result.getJar().getPath();
        }
    }

    /** The newest modification time of the files under {@code dir}. */
    private static long newest(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(Files::isRegularFile).mapToLong(path -> {
                try {
                    return Files.getLastModifiedTime(path).toMillis();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).max().orElse(Long.MAX_VALUE);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
