package io.recaption.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks of the commands' path options before any work starts, so that a wrong path is refused with what is
 * wrong and what to do (a bare {@code NoSuchFileException} message names the path and nothing else).
 */
final class Arguments {

    /** What a model folder holds, for the refusals' hints. */
    static final String MODEL_HINT = "give a diffusers Stable Diffusion snapshot folder (model_index.json, unet/,"
            + " vae/, text_encoder/, tokenizer/, scheduler/), such as the bundled target/shapes-model that"
            + " `mvn package` writes";

    private Arguments() {}

    /** A file that must exist and be readable. */
    static Path existingFile(String option, Path path, String what) {
        if (!Files.exists(path)) {
            throw refused(option, path, "no such file", "give the path of " + what);
        }
        if (Files.isDirectory(path)) {
            throw refused(option, path, "is a folder, not a file", "give the path of " + what);
        }
        if (!Files.isReadable(path)) {
            throw refused(option, path, "cannot be read (permissions)", "give a readable copy of " + what);
        }
        return path;
    }

    /** A folder that must exist. */
    static Path existingFolder(String option, Path path, String hint) {
        if (!Files.exists(path)) {
            throw refused(option, path, "no such folder", hint);
        }
        if (!Files.isDirectory(path)) {
            throw refused(option, path, "is a file, not a folder", hint);
        }
        return path;
    }

    private static IllegalArgumentException refused(String option, Path path, String problem, String hint) {
        Path absolute = path.toAbsolutePath().normalize();
        String shown = path.isAbsolute() ? path.toString() : path + " (" + absolute + ")";
        return new IllegalArgumentException(option + " " + shown + ": " + problem + "; " + hint + ".");
    }
}
