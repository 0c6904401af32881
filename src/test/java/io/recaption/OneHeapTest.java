package io.recaption;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** When a command re-runs itself with glibc's one heap, and which command line it re-runs. */
@Tag("unit")
class OneHeapTest {

    private static final String LINUX = "Linux";

    @Test
    void everyModelCommandOnLinuxWithoutTheVariableReRuns() {
        for (String command : OneHeap.MODEL_COMMANDS) {
            assertEquals(Optional.empty(), OneHeap.reasonToStay(List.of(command, "--model", "m"), Map.of(), LINUX, null),
                    command);
        }
        assertEquals(Optional.empty(), OneHeap.reasonToStay(List.of("invert"), Map.of("PATH", "/bin"), LINUX, "tuned"));
    }

    @Test
    void whatTheUserChoseIsKept() {
        List<String> invert = List.of("invert", "--model", "m");
        assertEquals(Optional.of("MALLOC_ARENA_MAX=4"),
                OneHeap.reasonToStay(invert, Map.of("MALLOC_ARENA_MAX", "4"), LINUX, null));
        assertEquals(Optional.of("GLIBC_TUNABLES sets arena_max"), OneHeap.reasonToStay(invert,
                Map.of("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0:glibc.malloc.arena_max=2"), LINUX, null));
        assertEquals(Optional.of("RECAPTION_NO_REEXEC is set"),
                OneHeap.reasonToStay(invert, Map.of("RECAPTION_NO_REEXEC", ""), LINUX, null));
        assertEquals(Optional.of("io.recaption.model.host-memory=default"),
                OneHeap.reasonToStay(invert, Map.of(), LINUX, " Default"));
        // other tunables say nothing about the heaps' number
        assertEquals(Optional.empty(),
                OneHeap.reasonToStay(invert, Map.of("GLIBC_TUNABLES", "glibc.malloc.tcache_count=0"), LINUX, null));
    }

    @Test
    void commandsWithoutAModelHelpAndOtherSystemsRunWhereTheyAre() {
        assertEquals(Optional.of("not Linux"), OneHeap.reasonToStay(List.of("invert"), Map.of(), "Mac OS X", null));
        for (String command : List.of("web", "random-snapshot", "fetch-model", "--help", "nonsense")) {
            assertEquals(Optional.of("no model in this command"),
                    OneHeap.reasonToStay(List.of(command), Map.of(), LINUX, null), command);
        }
        assertEquals(Optional.of("no model in this command"), OneHeap.reasonToStay(List.of(), Map.of(), LINUX, null));
        assertEquals(Optional.of("help only"),
                OneHeap.reasonToStay(List.of("train", "--help"), Map.of(), LINUX, null));
        assertEquals(Optional.of("help only"), OneHeap.reasonToStay(List.of("edit", "-h"), Map.of(), LINUX, null));
    }

    @Test
    void theCommandLineReRunIsTheOneThatStartedThisJvm() {
        List<String> args = List.of("invert", "--caption", "a cat");
        Info info = new Info(Optional.of("/usr/bin/java"),
                Optional.of(new String[] {"-Xmx8g", "-Dx=y", "-jar", "app.jar", "invert", "--caption", "a cat"}));
        assertEquals(Optional.of(List.of("/usr/bin/java", "-Xmx8g", "-Dx=y", "-jar", "app.jar", "invert", "--caption",
                "a cat")), OneHeap.ownCommandLine(info, args));
        // what the system reports must end with main's arguments, or nothing is re-run
        assertEquals(Optional.empty(), OneHeap.ownCommandLine(new Info(Optional.of("/usr/bin/java"),
                Optional.of(new String[] {"-jar", "app.jar", "invert", "--caption", "a"})), args));
        assertEquals(Optional.empty(), OneHeap.ownCommandLine(new Info(Optional.of("/usr/bin/java"),
                Optional.of(new String[] {"cat"})), args));
        assertEquals(Optional.empty(), OneHeap.ownCommandLine(new Info(Optional.empty(),
                Optional.of(new String[] {"invert", "--caption", "a cat"})), args));
        assertEquals(Optional.empty(), OneHeap.ownCommandLine(new Info(Optional.of("/usr/bin/java"), Optional.empty()),
                args));
        // this very JVM's line ends with what the test runner gave it (no arguments to main: the whole line)
        Optional<List<String>> own = OneHeap.ownCommandLine(ProcessHandle.current().info(), List.of());
        assertTrue(own.isPresent() && own.get().get(0).endsWith("java"), String.valueOf(own));
    }

    @Test
    void aLauncherPidThatIsNotThisProcesssParentIsNotWatched() {
        // inherited by a grandchild (a demo's worker), or garbage: ignored, nothing ends this JVM
        OneHeap.watchLauncher(Map.of("RECAPTION_LAUNCHER_PID", "1"));
        OneHeap.watchLauncher(Map.of("RECAPTION_LAUNCHER_PID", "not a pid"));
        OneHeap.watchLauncher(Map.of());
        assertTrue(ProcessHandle.current().isAlive());
    }

    /** What the operating system says of a process, as given. */
    private record Info(Optional<String> command, Optional<String[]> arguments) implements ProcessHandle.Info {
        @Override
        public Optional<String> commandLine() {
            return Optional.empty();
        }

        @Override
        public Optional<Instant> startInstant() {
            return Optional.empty();
        }

        @Override
        public Optional<Duration> totalCpuDuration() {
            return Optional.empty();
        }

        @Override
        public Optional<String> user() {
            return Optional.empty();
        }
    }
}
