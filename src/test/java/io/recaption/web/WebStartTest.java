package io.recaption.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.devstack.WorkerProcess;
import io.recaption.worker.SharedStack;
import io.recaption.worker.WorkerJar;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code web} command fails closed: without credentials, or with a user but no password, it exits at
 * start and says which setting is missing, rather than serve anyone who reaches its port; with a token it starts.
 */
@Tag("integration")
class WebStartTest {

    private static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private static Path jar;
    private static Map<String, String> stack;

    @BeforeAll
    static void build() throws Exception {
        stack = SharedStack.get().quarkusConfig();
        jar = WorkerJar.build();
    }

    @Test
    void anEditorWithoutCredentialsDoesNotStart() throws Exception {
        String log = refused("web-anonymous", Map.of());
        assertTrue(log.contains("the caption editor has no credentials"), log);
        assertTrue(log.contains("recaption.web.auth.anonymous=true"), "it names the way out: " + log);
    }

    @Test
    void aUserWithoutAPasswordDoesNotStart() throws Exception {
        String log = refused("web-no-password", Map.of("recaption.web.auth.username", "editor"));
        assertTrue(log.contains("recaption.web.auth.username is set without a password"), log);
    }

    @Test
    void anEditorWithATokenStartsAndAsksForIt() {
        Map<String, String> config = config(Map.of("recaption.web.auth.token", "a-token-for-the-start-test"));
        try (WorkerProcess web = WorkerProcess.start("web-token", "web", jar, config, JVM, log("web-token"), TIMEOUT)) {
            assertEquals("401", web.get("api/settings")[0], "the API asks for the token");
        }
    }

    /** Launches {@code web} with {@code extra} and returns its log once it has exited non-zero. */
    private static String refused(String name, Map<String, String> extra) throws Exception {
        try (WorkerProcess web = WorkerProcess.launch(name, "web", jar, config(extra), JVM, log(name))) {
            OptionalInt exit = web.awaitExit(TIMEOUT);
            String log = Files.readString(web.log());
            assertTrue(exit.isPresent(), "it exits rather than serve: " + log);
            assertTrue(exit.getAsInt() != 0, "with a failure: " + exit);
            return log;
        }
    }

    private static Map<String, String> config(Map<String, String> extra) {
        Map<String, String> config = new LinkedHashMap<>(stack);
        config.put("recaption.input.buckets", SharedStack.UPLOADS_BUCKET);
        config.put("recaption.artifacts.bucket", SharedStack.ARTIFACTS_BUCKET);
        config.putAll(extra);
        return config;
    }

    private static Path log(String name) {
        return jar.getParent().resolve("logs").resolve(name + ".log");
    }
}
