package io.recaption.cli;

import io.recaption.devstack.LocalStack;
import java.nio.file.Path;

/**
 * The project's bundled model: the shapes-world snapshot trained by {@code train} (see README), kept in
 * git under {@code models/shapes} and put beside {@code target/quarkus-app} as {@code target/shapes-model}
 * by the build, so that the packaged commands find it without options.
 */
final class BundledModel {

    static final String FOLDER = "shapes-model";

    private BundledModel() {}

    /** {@code target/shapes-model} beside the packaged application (or under the working directory's target/). */
    static Path folder() {
        return LocalStack.quarkusAppDir().map(app -> app.resolveSibling(FOLDER))
                .orElse(Path.of("target", FOLDER)).toAbsolutePath();
    }
}
