package io.recaption.cli;

import io.recaption.devstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The project's bundled captioning model: a BLIP snapshot for the shapes world, put beside
 * {@code target/quarkus-app} as {@code target/shapes-captioner} by the build (as {@link BundledModel} is), so
 * that {@code invert} captions a photo without options. A build without it has none: {@code invert} then asks
 * for {@code --caption} or {@code --captioner}.
 */
final class BundledCaptioner {

    static final String FOLDER = "shapes-captioner";

    private BundledCaptioner() {}

    /** {@code target/shapes-captioner} beside the packaged application (or under the working directory's target/). */
    static Path folder() {
        return LocalStack.quarkusAppDir().map(app -> app.resolveSibling(FOLDER))
                .orElse(Path.of("target", FOLDER)).toAbsolutePath();
    }

    /** The bundled captioner's folder, where this build has one. */
    static Optional<Path> existing() {
        Path folder = folder();
        return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
    }
}
