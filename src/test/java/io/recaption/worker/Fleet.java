package io.recaption.worker;

import io.recaption.devstack.LocalStack;
import io.recaption.devstack.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fleet of worker processes (the production jar with the test engine) for the fleet test and the throughput
 * command: started in parallel, killed (SIGKILL), stopped (SIGTERM), and brought back as a supervisor would
 * (Kubernetes restarting a container under the same pod name). Each worker's id is its name, so its Kafka
 * consumers are static members.
 */
final class Fleet implements AutoCloseable {

    static final List<String> JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto");
    private static final Duration READY = Duration.ofMinutes(3);

    private final Path jar;
    private final LocalStack stack;
    private final Map<String, String> config;
    private final Map<String, WorkerProcess> workers = new ConcurrentHashMap<>();
    private final AtomicInteger starts = new AtomicInteger();
    private final AtomicInteger kills = new AtomicInteger();
    private volatile boolean closing;

    Fleet(Path jar, LocalStack stack, Map<String, String> config) {
        this.jar = jar;
        this.stack = stack;
        this.config = config;
    }

    /** Starts these workers at once and waits until all are ready. */
    void start(String... names) {
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (String name : names) {
            Thread thread = new Thread(() -> {
                try {
                    start(name);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "start-" + name);
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    void start(String name) {
        Map<String, String> own = new LinkedHashMap<>(stack.quarkusConfig());
        own.putAll(config);
        own.put("recaption.worker-id", name);
        long begin = System.nanoTime();
        int n = starts.incrementAndGet();
        WorkerProcess worker = WorkerProcess.start(name, jar, own, JVM,
                jar.getParent().resolve("logs").resolve(name + "-" + n + ".log"), READY);
        workers.put(name, worker);
        System.out.printf("[fleet] %s started in %.1f s (pid %d)%n", name, (System.nanoTime() - begin) / 1e9, worker.pid());
    }

    /** SIGKILL: no shutdown at all. */
    void kill(String name) {
        WorkerProcess worker = workers.remove(name);
        if (worker != null) {
            worker.kill();
            kills.incrementAndGet();
            System.out.printf("[fleet] %s killed (SIGKILL)%n", name);
        }
    }

    /** SIGTERM: the graceful leave of a scale-down. */
    void stop(String name) {
        WorkerProcess worker = workers.remove(name);
        if (worker != null) {
            int exit = worker.terminate();
            System.out.printf("[fleet] %s stopped (SIGTERM, exit %d)%n", name, exit);
        }
    }

    /** SIGTERM to one of {@code names} that is alive (waiting for one to be): the worker that leaves. */
    String stopOneOf(List<String> names, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (String name : names) {
                if (alive(name)) {
                    stop(name);
                    return name;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no worker alive to leave");
    }

    /** Restarts every worker that died on its own (a poison record halts its JVM). */
    List<String> reviveDead(List<String> names) {
        List<String> revived = new ArrayList<>();
        if (closing) {
            return revived;
        }
        for (String name : names) {
            WorkerProcess worker = workers.get(name);
            if (worker != null && !worker.isAlive()) {
                workers.remove(name);
                System.out.printf("[fleet] %s died on its own; restarting it%n", name);
                start(name);
                revived.add(name);
            }
        }
        return revived;
    }

    boolean alive(String name) {
        WorkerProcess worker = workers.get(name);
        return worker != null && worker.isAlive();
    }

    int kills() {
        return kills.get();
    }

    int starts() {
        return starts.get();
    }

    @Override
    public void close() {
        closing = true;
        workers.values().parallelStream().forEach(WorkerProcess::close);
        workers.clear();
    }
}
