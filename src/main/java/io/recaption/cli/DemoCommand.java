package io.recaption.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recaption.devstack.LocalStack;
import io.recaption.devstack.S3Server;
import io.recaption.devstack.WorkerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code demo}: the whole service on this machine — a real Kafka broker and S3 server started from the
 * jars {@code mvn package} put under {@code target/}, the worker as the packaged application's {@code serve}
 * with the bundled shapes-world model, the caption editor as its {@code web}, a scene drawn from its caption and
 * uploaded, an inversion and two
 * edits (a colour swap and a shape swap, each with LocalBlend) requested through Kafka, their results fetched
 * from S3 and read back by the world's detectors.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a local Kafka broker, S3 server and worker with the bundled shapes-world model; draw a"
                + " scene, upload it; request an inversion and two edits through Kafka; print progress, where the"
                + " results are and what the detectors read in the edited images.")
public class DemoCommand implements Callable<Integer> {

    /**
     * Whose jobs the demo's requests are: the owner of everything done on its open editor ({@code anonymous}), so that
     * the editor shows the demo's inversion and its edits (the API serves a job to its owner only; README, Security).
     */
    private static final String OWNER = "anonymous";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPLOADS = "recaption-uploads";
    private static final String ARTIFACTS = "recaption-artifacts";
    private static final List<String> TOPICS = List.of("inversion-requests", "inversion-events", "edit-requests",
            "edit-events", "inversion-requests-dlq", "edit-requests-dlq");

    @Option(names = "--model", description = "a shapes-world diffusers snapshot (default: the bundled model,"
            + " target/shapes-model)")
    Path model;

    @Option(names = "--caption", defaultValue = DemoScene.DEFAULT_CAPTION,
            description = "the photo to invert, as a caption of the shapes world; the demo draws it"
                    + " (default: ${DEFAULT-VALUE})")
    String caption;

    @Option(names = "--steps", defaultValue = "20", description = "DDIM steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--inner-steps", defaultValue = "5",
            description = "null-text Adam steps per timestep (default: ${DEFAULT-VALUE})")
    int innerSteps;

    @Option(names = "--out", defaultValue = "target/demo-output",
            description = "where the results are copied (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--keep-running", description = "leave the broker, S3 server, worker and caption editor up until Ctrl-C")
    boolean keepRunning;

    @Option(names = "--timeout", defaultValue = "PT15M", description = "give up after (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        Instant started = Instant.now();
        Path modelDir = (model != null ? model : BundledModel.folder()).toAbsolutePath();
        DemoScene scene;
        try {
            scene = DemoScene.of(caption);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (!Files.isDirectory(modelDir)) {
            System.err.println("error: no model at " + modelDir + " (run `mvn package` first, or pass --model DIR)");
            return 2;
        }
        Path work = out.toAbsolutePath().resolve("stack");
        System.out.println("starting Kafka (KRaft) and S3 (s3proxy) on loopback …");
        try (LocalStack stack = LocalStack.start(LocalStack.defaultJarsDir(), work, TOPICS, 1,
                List.of(UPLOADS, ARTIFACTS))) {
            System.out.printf("  Kafka %s, S3 %s%n", stack.kafka().bootstrapServers(), stack.s3().endpoint());
            Map<String, String> config = new LinkedHashMap<>(stack.quarkusConfig());
            config.put("recaption.model.path", modelDir.toString());
            config.put("recaption.artifacts.bucket", ARTIFACTS);
            config.put("recaption.input.buckets", UPLOADS);
            config.put("recaption.jobs.work-dir", work.resolve("jobs").toString());
            // the demo's editor listens on loopback only, so it may be open, which no other editor is by default
            Map<String, String> editorConfig = new LinkedHashMap<>(config);
            editorConfig.put("quarkus.http.host", "127.0.0.1");
            editorConfig.put("recaption.web.auth.anonymous", "true");
            System.out.println("starting the worker (" + modelDir + ") …");
            try (WorkerProcess worker = WorkerProcess.start("demo-worker", WorkerProcess.packagedJar(), config,
                    List.of("-Xmx4g"), work.resolve("worker.log"), Duration.ofMinutes(5));
                    WorkerProcess editor = WorkerProcess.start("demo-web", "web", WorkerProcess.packagedJar(), editorConfig,
                            List.of("-Xmx512m"), work.resolve("web.log"), Duration.ofMinutes(2));
                    S3Client s3 = stack.s3().client();
                    KafkaProducer<String, String> producer = producer(stack.kafka().bootstrapServers());
                    KafkaConsumer<String, String> consumer = consumer(stack.kafka().bootstrapServers())) {
                System.out.println("  worker ready at " + worker.baseUri() + " (log: " + worker.log() + ")");
                System.out.println("caption editor: " + editor.baseUri() + " (log: " + editor.log() + ")");
                String photoKey = "uploads/demo/scene.png";
                Files.createDirectories(out);
                Path input = out.resolve("input.png");
                Files.write(input, scene.png());
                s3.putObject(b -> b.bucket(UPLOADS).key(photoKey), RequestBody.fromFile(input));
                System.out.println("drew \"" + scene.caption() + "\", uploaded s3://" + UPLOADS + "/" + photoKey);

                String inversionId = "demo-" + UUID.randomUUID();
                ObjectNode request = JSON.createObjectNode();
                request.put("schemaVersion", 1);
                request.put("requestId", inversionId);
                request.put("owner", OWNER);
                request.putObject("image").put("bucket", UPLOADS).put("key", photoKey);
                request.put("caption", scene.caption());
                request.putObject("options").put("steps", steps).put("innerSteps", innerSteps);
                send(producer, "inversion-requests", inversionId, request);
                JsonNode inverted = await(consumer, worker, "inversion-events", "requestId", inversionId,
                        "/inversions/" + inversionId);
                if (!"succeeded".equals(inverted.path("status").asText())) {
                    System.err.println("inversion failed: " + inverted.path("error"));
                    return 1;
                }
                Path reconstruction = download(s3, inverted.path("artifacts").path("reconstructionKey").asText(),
                        out.resolve("reconstruction.png"));
                System.out.printf("inversion done: PSNR %.2f dB%n", inverted.path("metrics").path("psnr").asDouble());

                Map<String, ObjectNode> edits = new LinkedHashMap<>();
                for (DemoScene.Edit planned : scene.edits()) {
                    ObjectNode e = edit(inversionId, planned.caption());
                    planned.blendWords().forEach(e.putArray("localBlend")::add);
                    edits.put(planned.name(), e);
                }
                for (ObjectNode e : edits.values()) {
                    send(producer, "edit-requests", e.path("editId").asText(), e);
                }
                Map<String, Path> images = new LinkedHashMap<>();
                for (Map.Entry<String, ObjectNode> e : edits.entrySet()) {
                    String editId = e.getValue().path("editId").asText();
                    JsonNode edited = await(consumer, worker, "edit-events", "editId", editId, "/edits/" + editId);
                    if (!"succeeded".equals(edited.path("status").asText())) {
                        System.err.println("edit " + e.getKey() + " failed: " + edited.path("error"));
                        return 1;
                    }
                    images.put(e.getKey(), download(s3, edited.path("imageKey").asText(),
                            out.resolve(e.getKey() + ".png")));
                }
                System.out.println();
                System.out.println("results:");
                System.out.println("  input            " + input.toAbsolutePath());
                System.out.println("  reconstruction   " + reconstruction.toAbsolutePath());
                images.forEach((name, path) -> System.out.printf("  %-16s %s%n", name, path.toAbsolutePath()));
                System.out.println("read back by the shapes world's detectors:");
                for (DemoScene.Edit planned : scene.edits()) {
                    System.out.println("  " + planned.name() + ": " + scene.check(planned, images.get(planned.name())));
                }
                System.out.println("the caption editor reads it back: " + editorView(editor, inversionId));
                System.out.println("  open it there: " + editor.baseUri() + "#inversion=" + inversionId);
                System.out.printf("demo finished in %.1f s%n", Duration.between(started, Instant.now()).toMillis() / 1e3);
                if (keepRunning) {
                    printHowToContinue(stack, worker, editor, photoKey, inversionId, scene);
                    Thread.currentThread().join();
                }
            }
        }
        return 0;
    }

    private static ObjectNode edit(String inversionId, String caption) {
        ObjectNode edit = JSON.createObjectNode();
        edit.put("schemaVersion", 1);
        edit.put("editId", "demo-edit-" + UUID.randomUUID());
        edit.put("inversionId", inversionId);
        edit.put("owner", OWNER);
        edit.put("caption", caption);
        return edit;
    }

    private static void send(KafkaProducer<String, String> producer, String topic, String key, JsonNode value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic, key, JSON.writeValueAsString(value))).get();
        System.out.println("published to " + topic + ": " + value);
    }

    /** Waits for the event of {@code id}, printing the job's progress from the status endpoint meanwhile. */
    private JsonNode await(KafkaConsumer<String, String> consumer, WorkerProcess worker, String topic, String field,
            String id, String statusPath) throws Exception {
        consumer.subscribe(List.of(topic));
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        String lastLine = "";
        while (Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                JsonNode event = JSON.readTree(record.value());
                if (id.equals(event.path(field).asText())) {
                    System.out.println("event on " + topic + ": " + event);
                    return event;
                }
            }
            HttpResponse<String> status = http.send(HttpRequest.newBuilder(worker.baseUri().resolve(
                    URI.create(statusPath.substring(1)))).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (status.statusCode() == 200) {
                JsonNode s = JSON.readTree(status.body());
                String line = String.format("  %s %s: %s, %3.0f %%", statusPath.split("/")[1], id,
                        s.path("state").asText(), 100 * s.path("progress").asDouble());
                if (!line.equals(lastLine)) {
                    System.out.println(line);
                    lastLine = line;
                }
            }
            if (!worker.isAlive()) {
                throw new IllegalStateException("the worker exited; see " + worker.log());
            }
        }
        throw new IllegalStateException("no event for " + id + " on " + topic + " within " + timeout);
    }

    /** The editor's view of the inversion (GET /api/inversions/{id}): state and PSNR, read from S3 by the web. */
    private static String editorView(WorkerProcess editor, String inversionId) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                editor.baseUri().resolve("api/inversions/" + inversionId)).GET().build(), HttpResponse.BodyHandlers.ofString());
        JsonNode view = JSON.readTree(response.body());
        return String.format(java.util.Locale.ROOT, "inversion %s %s, PSNR %.2f dB", inversionId, view.path("status").path("state").asText("?"),
                view.path("result").path("psnr").asDouble());
    }

    private static Path download(S3Client s3, String key, Path file) throws IOException {
        Files.write(file, s3.getObjectAsBytes(b -> b.bucket(ARTIFACTS).key(key)).asByteArray());
        return file;
    }

    private static KafkaProducer<String, String> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "recaption-demo-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static void printHowToContinue(LocalStack stack, WorkerProcess worker, WorkerProcess editor, String photoKey,
            String inversionId, DemoScene scene) {
        String bootstrap = stack.kafka().bootstrapServers();
        System.out.println();
        System.out.println("the stack stays up (Ctrl-C stops it):");
        System.out.println("  Kafka bootstrap servers  " + bootstrap);
        System.out.println("  S3 endpoint              " + stack.s3().endpoint() + "  (path-style, region "
                + S3Server.REGION + ", access key " + S3Server.ACCESS_KEY + ", secret " + S3Server.SECRET_KEY + ")");
        System.out.println("  worker status            " + worker.baseUri() + "inversions/" + inversionId + "?owner=" + OWNER);
        System.out.println("  caption editor           " + editor.baseUri() + "  (edit the demo's photo in the browser)");
        System.out.println("publish another edit of the same inversion, e.g. with Kafka's console producer:");
        String message = "{\"schemaVersion\":1,\"editId\":\"my-edit-1\",\"inversionId\":\"" + inversionId
                + "\",\"owner\":\"" + OWNER + "\",\"caption\":\"" + scene.edits().get(0).caption() + "\",\"emphasis\":{\"" + scene.edits().get(0)
                .blendWords().get(0) + "\":2}}";
        System.out.println("  echo '" + message + "' | kafka-console-producer.sh --bootstrap-server " + bootstrap
                + " --topic edit-requests");
        System.out.println("and read the answer:");
        System.out.println("  kafka-console-consumer.sh --bootstrap-server " + bootstrap
                + " --topic edit-events --from-beginning");
        System.out.println("a new inversion needs a photo in s3://" + UPLOADS + "/ (e.g. " + photoKey
                + ") and a message on inversion-requests.");
        System.out.flush();
    }
}
