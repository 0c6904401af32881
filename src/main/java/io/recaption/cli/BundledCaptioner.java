package io.recaption.cli;

import io.recaption.devstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The project's bundled captioner: the shapes world's small BLIP trained by {@code train --stage captioner} (see
 * README), kept in git under {@code models/shapes-captioner} and put beside {@code target/quarkus-app} as
 * {@code target/shapes-captioner} by the build, so that {@code caption}, {@code invert} without a caption and
 * {@code evaluate} find it without options. A transformers snapshot folder like any other BLIP's: the same loader
 * reads it. A build without it has none: {@code invert} then asks for {@code --caption} or {@code --captioner}.
 */
public final class BundledCaptioner {

    static final String FOLDER = "shapes-captioner";

    private BundledCaptioner() {}

    /** {@code target/shapes-captioner} beside the packaged application (or under the working directory's target/). */
    public static Path folder() {
        return LocalStack.quarkusAppDir().map(app -> app.resolveSibling(FOLDER))
                .orElse(Path.of("target", FOLDER)).toAbsolutePath();
    }

    /** The bundled captioner's folder, where this build has one. */
    static Optional<Path> existing() {
        Path folder = folder();
        return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
    }
}
