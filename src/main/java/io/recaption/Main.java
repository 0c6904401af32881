package io.recaption;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.recaption.cli.CdiCommandFactory;
import io.recaption.cli.RecaptionCommand;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.model.weights.WeightLoadException;
import jakarta.inject.Inject;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The one entry point: {@code java -jar quarkus-run.jar <command>}. {@code serve} runs the default profile
 * (the worker), {@code web} the {@code web} profile (the caption editor: HTTP, a Kafka producer, no model, no
 * consumer); every other command runs under the {@code cli} profile, which binds no HTTP port and starts no
 * Kafka consumer.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

    static final String SERVE = "serve";
    static final String WEB = "web";

    @Inject
    CdiCommandFactory factory;

    /** Present on every Linux host whose NVIDIA kernel driver is loaded, that is, on every host with a usable GPU. */
    static final Path NVIDIA_DRIVER = Path.of("/proc/driver/nvidia/version");

    /** DJL's CUDA probe, whose warnings on a host without an NVIDIA driver only say that there is no GPU. */
    static final String CUDA_PROBE_LOGGER = "ai.djl.util.cuda.CudaUtils";

    public static void main(String... args) {
        // before anything else: glibc reads MALLOC_ARENA_MAX only at process start (OneHeap says why it matters)
        OneHeap.rerunIfNeeded(args);
        OneHeap.watchLauncher(System.getenv());
        if (args.length > 0 && WEB.equals(args[0])) {
            System.setProperty("quarkus.profile", WEB);
        } else if (args.length == 0 || !SERVE.equals(args[0])) {
            System.setProperty("quarkus.profile", "cli");
        }
        quietCudaProbeWithoutDriver(NVIDIA_DRIVER);
        // nothing is ever downloaded at run time; DJL's offline mode also stops its usage ping to the EC2 metadata
        // endpoint (Ec2Utils.callHome), which the tokenizers binding and the engine lookup would otherwise make
        if (System.getProperty("offline") == null) {
            System.setProperty("offline", "true");
        }
        Quarkus.run(Main.class, args);
    }

    /**
     * DJL asks the CUDA runtime for a GPU count whenever the engine starts and warns "Failed to detect GPU count:
     * CUDA driver version is insufficient" when the runtime finds no driver — on a CPU machine, every time, which
     * tells a newcomer nothing. Where no NVIDIA driver is loaded that warning is silenced; on a host with a
     * driver it stays, because there it reports a real fault (a driver too old for the bundled CUDA runtime).
     */
    static void quietCudaProbeWithoutDriver(Path driver) {
        if (!Files.exists(driver)) {
            System.setProperty("quarkus.log.category.\"" + CUDA_PROBE_LOGGER + "\".level", "ERROR");
        }
    }

    /** Refusals of bad input and unloadable models are reported as one clear line, not a stack trace. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof InputRejectedException rejected) {
            commandLine.getErr().println("error [" + rejected.code() + "]: " + rejected.getMessage());
            return 2;
        }
        if (e instanceof WeightLoadException || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("error: " + e.getMessage());
            return 2;
        }
        if (e instanceof NoSuchFileException missing) {
            commandLine.getErr().println("error: no such file or folder: " + missing.getFile()
                    + "; check the path (relative paths start from " + Path.of("").toAbsolutePath() + ").");
            return 2;
        }
        if (e instanceof AccessDeniedException denied) {
            commandLine.getErr().println("error: permission denied: " + denied.getFile()
                    + "; give a path this user can read (or write, for --out).");
            return 2;
        }
        throw e;
    }

    @Override
    public int run(String... args) {
        return new CommandLine(new RecaptionCommand(), factory)
                .setExecutionExceptionHandler(Main::reportFailure)
                .execute(args);
    }
}
