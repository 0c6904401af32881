package io.recaption.cli;

import io.quarkus.runtime.Quarkus;
import org.eclipse.microprofile.config.ConfigProvider;
import picocli.CommandLine.Command;

/**
 * Runs the caption editor: the page and its API start with the application under the {@code web} profile (no
 * model, no Kafka consumer; see {@code io.recaption.web}); this prints where and waits for a signal to stop.
 */
@Command(name = "web", description = "Run the caption editor (page and /api; publishes requests, reads S3) until stopped.")
public class WebCommand implements Runnable {

    @Override
    public void run() {
        var config = ConfigProvider.getConfig();
        String host = config.getOptionalValue("quarkus.http.host", String.class).orElse("0.0.0.0");
        int port = config.getOptionalValue("quarkus.http.port", Integer.class).orElse(8080);
        System.out.println("caption editor: http://" + ("0.0.0.0".equals(host) ? "127.0.0.1" : host) + ":" + port + "/");
        Quarkus.waitForExit();
    }
}
