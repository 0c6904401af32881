package io.recaption.worker;

import io.recaption.devstack.LocalStack;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests per minute of a fleet of 1 and of 3 workers (processes of the production jar with the test engine,
 * whose steps sleep as a GPU would be busy), on the same local stack, topics of 6 partitions, the same load:
 * {@code REQUESTS} inversions published at once. A figure, printed; never asserted.
 *
 * <pre>mvn -B test-compile exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.recaption.worker.FleetThroughput</pre>
 * ({@code -Dexec.args="REQUESTS STEPS STEP_MS"}: requests, steps per job, step delay in ms; defaults 36, 10, 100).
 */
public final class FleetThroughput {

    private FleetThroughput() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 36;
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        long stepMillis = args.length > 2 ? Long.parseLong(args[2]) : 100;
        List<String> topics = new ArrayList<>();
        for (String run : List.of("one", "three")) {
            for (String topic : FleetIT.TOPICS) {
                topics.add(run + "-" + topic);
            }
        }
        try (LocalStack stack = LocalStack.start(LocalStack.defaultJarsDir(), Path.of("target", "throughput-stack").toAbsolutePath(),
                topics, FleetIT.PARTITIONS, List.of(SharedStack.ARTIFACTS_BUCKET, SharedStack.UPLOADS_BUCKET))) {
            try (var s3 = stack.s3().client()) {
                s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(FleetIT.PHOTO),
                        software.amazon.awssdk.core.sync.RequestBody.fromBytes(TestImages.photo()));
            }
            Path jar = WorkerJar.build();
            double one = run(stack, jar, "one", 1, requests, steps, stepMillis);
            double three = run(stack, jar, "three", 3, requests, steps, stepMillis);
            System.out.printf("%nthroughput (test engine, %d inversions of %d steps × %d ms, 6 partitions): "
                    + "1 worker %.1f requests/minute, 3 workers %.1f requests/minute (×%.2f)%n",
                    requests, steps, stepMillis, one, three, three / one);
        }
        System.exit(0);
    }

    private static double run(LocalStack stack, Path jar, String run, int workers, int requests, int steps, long stepMillis)
            throws Exception {
        Map<String, String> config = new LinkedHashMap<>(FleetIT.workerConfig());
        config.remove("recaption-test.faults.pause-ids");
        config.put("recaption-test.engine.step-delay", Duration.ofMillis(stepMillis).toString());
        config.put("recaption.consumer-group", run + "-workers");
        for (String topic : FleetIT.TOPICS) {
            config.put("recaption.topics." + topic, run + "-" + topic);
        }
        List<String> names = new ArrayList<>();
        for (int i = 1; i <= workers; i++) {
            names.add(run + "-w" + i);
        }
        try (Fleet fleet = new Fleet(jar, stack, config);
                TestKafka kafka = new TestKafka(stack.kafka().bootstrapServers(), List.of(run + "-" + SharedStack.INVERSION_EVENTS))) {
            fleet.start(names.toArray(String[]::new));
            List<String> ids = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < requests; i++) {
                String id = run + "-" + i + "-" + Requests.newId("tp");
                var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, FleetIT.PHOTO, "a cat " + id);
                request.with("options").put("steps", steps).put("innerSteps", 0);
                kafka.send(run + "-" + SharedStack.INVERSION_REQUESTS, id, request);
                ids.add(id);
            }
            for (String id : ids) {
                kafka.awaitEvent(run + "-" + SharedStack.INVERSION_EVENTS, "requestId", id, Duration.ofMinutes(10));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double perMinute = requests / seconds * 60;
            System.out.printf("%d worker(s): %d requests in %.1f s = %.1f requests/minute (%s)%n", workers, requests, seconds,
                    perMinute, Instant.now());
            return perMinute;
        }
    }
}
