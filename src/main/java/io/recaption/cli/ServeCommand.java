package io.recaption.cli;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;

/**
 * Runs the worker: the Kafka consumers, the REST status endpoints, health and metrics start with the
 * application (the only command that runs without the {@code cli} profile); this waits for a signal to stop.
 */
@Command(name = "serve", description = "Run the event-driven worker (Kafka in, S3 artifacts, REST status) until stopped.")
public class ServeCommand implements Runnable {

    @Override
    public void run() {
        Quarkus.waitForExit();
    }
}
