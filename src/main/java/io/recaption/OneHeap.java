package io.recaption;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Gives every command that runs a model glibc's one-heap setting, {@code MALLOC_ARENA_MAX=1}, without the user
 * exporting it: where it is missing, the launcher starts the same command line again as its child with the variable
 * set, passes its terminal through, forwards its own end to the child and exits with the child's status.
 *
 * <p>Why the environment and why a second process: glibc gives the threads that make libtorch's JNI calls heaps of
 * their own (at most 64 MB each) and serves a larger block there with {@code mmap}, unmapping it when it is freed,
 * whatever {@code mallopt} says later ({@link io.recaption.model.nn.HostMemory} keeps freed memory in the main heap
 * only). So a real-size activation is faulted in afresh on every op. glibc reads the variable when the process
 * starts, before {@code main}; {@code mallopt(M_ARENA_MAX)} from Java would come after the JVM's own threads have
 * made their heaps, and threads attach to existing heaps. Measured on this project's 2-core machine, SD 1.5 shaped,
 * 512², float32, interleaved pairs (unset, set, set, unset): VAE encode 5.08 / 5.71 → 4.16 / 4.15 s, a whole
 * {@code invert} 89.0 / 108.2 → 86.9 / 85.4 s, peak RSS of the benchmark 7.0 / 6.2 → 6.1 / 6.2 GB (README,
 * <i>Real size</i>).
 *
 * <p>Nothing is re-run where the user chose: a set {@code MALLOC_ARENA_MAX} (any value), {@code arena_max} in
 * {@code GLIBC_TUNABLES}, the host-memory property set to {@code default}, or {@link #DISABLE} set. Nor off Linux,
 * nor for commands without a model ({@code web}, {@code random-snapshot}, {@code fetch-model}, help). The price is
 * one more JVM start before the command and an idle launcher JVM; the plain command against the exported variable,
 * in pairs, was not measurably slower (a whole {@code invert} 89.6 / 90.7 against 89.1 / 90.2 s).
 */
public final class OneHeap {

    /** glibc's variable: the number of malloc heaps (arenas), read once at process start. */
    public static final String ARENA_MAX = "MALLOC_ARENA_MAX";

    /** Set in the child: the launcher's pid, so that the child ends when its launcher is killed outright. */
    public static final String LAUNCHER_PID = "RECAPTION_LAUNCHER_PID";

    /** Set (to anything) to run the command in this process whatever its environment says. */
    public static final String DISABLE = "RECAPTION_NO_REEXEC";

    /** The sub-commands that load a model and so run libtorch at real size. */
    static final Set<String> MODEL_COMMANDS = Set.of("serve", "invert", "edit", "benchmark", "evaluate", "demo",
            "caption", "train", "shapes-sample");

    private static final String HOST_MEMORY_PROPERTY = "io.recaption.model.host-memory";

    private OneHeap() {}

    /** Why this process runs the command itself, or empty where it should re-run it with {@link #ARENA_MAX}. */
    static Optional<String> reasonToStay(List<String> args, Map<String, String> environment, String osName,
            String hostMemoryProperty) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.of("not Linux");
        }
        if (args.isEmpty() || !MODEL_COMMANDS.contains(args.get(0))) {
            return Optional.of("no model in this command");
        }
        if (args.contains("--help") || args.contains("-h") || args.contains("--version") || args.contains("-V")) {
            return Optional.of("help only");
        }
        if (environment.containsKey(ARENA_MAX)) {
            return Optional.of(ARENA_MAX + "=" + environment.get(ARENA_MAX));
        }
        if (environment.getOrDefault("GLIBC_TUNABLES", "").contains("glibc.malloc.arena_max")) {
            return Optional.of("GLIBC_TUNABLES sets arena_max");
        }
        if (environment.containsKey(DISABLE)) {
            return Optional.of(DISABLE + " is set");
        }
        if ("default".equalsIgnoreCase(hostMemoryProperty == null ? "" : hostMemoryProperty.trim())) {
            return Optional.of(HOST_MEMORY_PROPERTY + "=default");
        }
        return Optional.empty();
    }

    /**
     * The command line that started this JVM, as the operating system has it, or empty where it cannot be read or
     * does not end with {@code args} (then re-running it could run something else).
     */
    static Optional<List<String>> ownCommandLine(ProcessHandle.Info info, List<String> args) {
        Optional<String> command = info.command();
        Optional<String[]> arguments = info.arguments();
        if (command.isEmpty() || arguments.isEmpty()) {
            return Optional.empty();
        }
        List<String> all = List.of(arguments.get());
        if (all.size() < args.size() || !all.subList(all.size() - args.size(), all.size()).equals(args)) {
            return Optional.empty();
        }
        List<String> line = new ArrayList<>(all.size() + 1);
        line.add(command.get());
        line.addAll(all);
        return Optional.of(line);
    }

    /**
     * Re-runs this command as a child with {@link #ARENA_MAX}{@code =1} where {@link #reasonToStay} finds no reason
     * not to, and then never returns: the JVM ends with the child's exit status. Otherwise returns at once. Call it
     * first in {@code main}, before anything starts.
     */
    public static void rerunIfNeeded(String... args) {
        List<String> arguments = List.of(args);
        if (reasonToStay(arguments, System.getenv(), System.getProperty("os.name", ""),
                System.getProperty(HOST_MEMORY_PROPERTY)).isPresent()) {
            return;
        }
        Optional<List<String>> line = ownCommandLine(ProcessHandle.current().info(), arguments);
        if (line.isEmpty()) {
            System.err.println("warning: cannot read this process's command line; running without " + ARENA_MAX
                    + "=1 (export it for full speed on CPU)");
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(line.get()).inheritIO();
        builder.environment().put(ARENA_MAX, "1");
        builder.environment().put(LAUNCHER_PID, Long.toString(ProcessHandle.current().pid()));
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            System.err.println("warning: cannot re-run with " + ARENA_MAX + "=1 (" + e.getMessage()
                    + "); running without it");
            return;
        }
        // SIGTERM/SIGINT to the launcher (Kubernetes, a terminal's Ctrl-C) ends the child the same way and waits for
        // it, so the child's own shutdown (leases released, status written) runs to its end
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            child.destroy();
            waitFor(child);
        }, "recaption-launcher"));
        Runtime.getRuntime().halt(waitFor(child));
    }

    /**
     * In a child started by {@link #rerunIfNeeded}: ends this JVM (its shutdown hooks run) when the launcher is gone
     * without having ended it, e.g. killed with SIGKILL. Only where the launcher is this process's parent: the
     * variable is inherited by processes this one starts, which have another parent.
     */
    public static void watchLauncher(Map<String, String> environment) {
        String pid = environment.get(LAUNCHER_PID);
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> parent = ProcessHandle.current().parent();
        long launcher;
        try {
            launcher = Long.parseLong(pid.trim());
        } catch (NumberFormatException e) {
            return;
        }
        if (parent.isEmpty() || parent.get().pid() != launcher) {
            return;
        }
        parent.get().onExit().thenRun(() -> {
            Thread exit = new Thread(() -> System.exit(143), "recaption-launcher-gone");
            exit.setDaemon(true);
            exit.start();
        });
    }

    private static int waitFor(Process child) {
        while (true) {
            try {
                return child.waitFor();
            } catch (InterruptedException e) {
                // the launcher has nothing to do but wait; its end is the child's
            }
        }
    }
}
