package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.Fixtures;
import io.recaption.model.weights.SafetensorsFile;
import io.recaption.worker.engine.ImageInspector;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.engine.StableDiffusionJobEngine;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The deployed worker with the real Stable Diffusion engine (the tiny reference snapshot) through real
 * Kafka and S3: an inversion, a word swap with LocalBlend and an emphasis edit from it, and the engine's
 * own refusals arriving as failed events.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(RealEngineTestProfile.class)
class RealEngineFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String PHOTO_KEY = "uploads/real/chelsea-256.png";

    private static TestKafka kafka;
    private static S3Client s3;

    @Inject
    JobEngine engine;

    @TempDir
    Path tmp;

    @BeforeAll
    static void connect() throws Exception {
        kafka = TestKafka.forSharedStack();
        s3 = SharedStack.get().s3().client();
        byte[] photo = Files.readAllBytes(Fixtures.reference().resolve("chelsea-256.png"));
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(PHOTO_KEY), RequestBody.fromBytes(photo));
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
        s3.close();
    }

    @Test
    void invertsAndEditsWithTheRealModel() throws Exception {
        assertTrue(engine instanceof StableDiffusionJobEngine, "the real engine serves the worker: " + engine);
        String id = Requests.newId("real");
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, "a cat sitting next to a mirror");
        request.with("options").put("steps", 4).put("innerSteps", 2);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode inverted = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.println("inversion event: " + inverted);
        assertEquals("succeeded", inverted.path("status").asText(), inverted.toString());
        assertTrue(inverted.path("metrics").path("psnr").isNumber());
        Path latents = tmp.resolve("latents.safetensors");
        Files.write(latents, object(inverted.path("artifacts").path("latentsKey").asText()));
        assertEquals(new ai.djl.ndarray.types.Shape(1, 4, 32, 32),
                SafetensorsFile.open(latents).tensors().get("z_T").shape());
        Path nulls = tmp.resolve("null-embeddings.safetensors");
        Files.write(nulls, object(inverted.path("artifacts").path("nullEmbeddingsKey").asText()));
        assertEquals(new ai.djl.ndarray.types.Shape(4, 77, 32),
                SafetensorsFile.open(nulls).tensors().get("null_embeddings").shape());

        String swapId = Requests.newId("real-swap");
        var swap = Requests.edit(swapId, id, "a tiger sitting next to a mirror");
        swap.putArray("localBlend").add("cat").add("tiger");
        kafka.send(SharedStack.EDIT_REQUESTS, swapId, swap);
        String emphasisId = Requests.newId("real-emphasis");
        var emphasis = Requests.edit(emphasisId, id, "a cat sitting next to a mirror");
        emphasis.putObject("emphasis").put("mirror", 3.0);
        kafka.send(SharedStack.EDIT_REQUESTS, emphasisId, emphasis);
        for (String editId : new String[] {swapId, emphasisId}) {
            JsonNode edited = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", editId, TIMEOUT);
            System.out.println("edit event: " + edited);
            assertEquals("succeeded", edited.path("status").asText(), edited.toString());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(object(edited.path("imageKey").asText())));
            assertEquals(256, image.getWidth());
            JsonNode manifest = Requests.JSON.readTree(object(edited.path("manifestKey").asText()));
            assertEquals(editId.equals(swapId) ? "replace" : "none", manifest.path("editType").asText());
        }
    }

    @Test
    void theEnginesRefusalsAreFailedEvents() throws Exception {
        String longId = Requests.newId("real-long");
        String longCaption = "a fluffy red ball ".repeat(25).trim();
        kafka.send(SharedStack.INVERSION_REQUESTS, longId,
                Requests.inversion(longId, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, longCaption));
        JsonNode tooLong = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", longId, TIMEOUT);
        assertEquals("failed", tooLong.path("status").asText());
        assertEquals("CAPTION_TOO_LONG", tooLong.path("error").path("code").asText(), tooLong.toString());

        // a PNG whose header is sound and whose pixel data is cut short: the worker's header check passes it, so
        // the refusal can only come from the engine's decoder (a text file would be stopped before the engine)
        String truncated = "uploads/real/truncated.png";
        java.awt.image.BufferedImage noise = new java.awt.image.BufferedImage(128, 128,
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(7);
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                noise.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        byte[] png = io.recaption.artifacts.ImageFiles.png(noise);
        byte[] cut = java.util.Arrays.copyOf(png, png.length / 2);
        java.nio.file.Path cutFile = java.nio.file.Files.createTempFile("truncated", ".png");
        java.nio.file.Files.write(cutFile, cut);
        assertEquals(128, ImageInspector.check(cutFile, 1L << 24)[0], "the header check passes the file");
        s3.putObject(b -> b.bucket(SharedStack.UPLOADS_BUCKET).key(truncated), RequestBody.fromBytes(cut));
        String badId = Requests.newId("real-bad");
        kafka.send(SharedStack.INVERSION_REQUESTS, badId,
                Requests.inversion(badId, SharedStack.UPLOADS_BUCKET, truncated, "a cat"));
        JsonNode bad = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", badId, TIMEOUT);
        assertEquals("NOT_AN_IMAGE", bad.path("error").path("code").asText(), bad.toString());
        // events carry clean messages (no decoder text), so the proof that the engine refused it is the header
        // check above: it passes the file, and the only other check is the engine's decoder
        assertEquals("failed", bad.path("status").asText(), bad.toString());
    }

    private static byte[] object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key)).asByteArray();
    }
}
