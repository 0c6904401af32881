package io.recaption;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.recaption.cli.CdiCommandFactory;
import io.recaption.cli.RecaptionCommand;
import io.recaption.diffusion.InputRejectedException;
import io.recaption.model.weights.WeightLoadException;
import jakarta.inject.Inject;
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

    public static void main(String... args) {
        if (args.length > 0 && WEB.equals(args[0])) {
            System.setProperty("quarkus.profile", WEB);
        } else if (args.length == 0 || !SERVE.equals(args[0])) {
            System.setProperty("quarkus.profile", "cli");
        }
        Quarkus.run(Main.class, args);
    }

    /** Refusals of bad input and unloadable models are reported as one clear line, not a stack trace. */
    private static int reportFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed)
            throws Exception {
        if (e instanceof InputRejectedException rejected) {
            commandLine.getErr().println("error [" + rejected.code() + "]: " + rejected.getMessage());
            return 2;
        }
        if (e instanceof WeightLoadException || e instanceof java.nio.file.NoSuchFileException
                || e instanceof IllegalArgumentException) {
            commandLine.getErr().println("error: " + e.getMessage());
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
