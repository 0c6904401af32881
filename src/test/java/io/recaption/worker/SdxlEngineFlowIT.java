package io.recaption.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.recaption.Fixtures;
import io.recaption.model.weights.SafetensorsFile;
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
 * The deployed worker serving an SDXL snapshot (the tiny SDXL fixture) through real Kafka and S3, as it serves SD
 * (issue 22): an inversion of a landscape photo, whose manifest names the SDXL family, and a word swap with
 * LocalBlend from it.
 */
@Tag("integration")
@QuarkusTest
@TestProfile(SdxlEngineTestProfile.class)
class SdxlEngineFlowIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(180);
    private static final String PHOTO_KEY = "uploads/sdxl/chelsea-256.png";

    private static TestKafka kafka;
    private static S3Client s3;

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
    void invertsAndEditsWithAnSdxlModel() throws Exception {
        String id = Requests.newId("sdxl");
        var request = Requests.inversion(id, SharedStack.UPLOADS_BUCKET, PHOTO_KEY, "a cat sitting next to a mirror");
        request.with("options").put("steps", 3).put("innerSteps", 2);
        kafka.send(SharedStack.INVERSION_REQUESTS, id, request);
        JsonNode inverted = kafka.awaitEvent(SharedStack.INVERSION_EVENTS, "requestId", id, TIMEOUT);
        System.out.println("inversion event: " + inverted);
        assertEquals("succeeded", inverted.path("status").asText(), inverted.toString());
        Path nulls = tmp.resolve("null-embeddings.safetensors");
        Files.write(nulls, object(inverted.path("artifacts").path("nullEmbeddingsKey").asText()));
        // ∅ per step [steps, 77, 32 + 48]: both encoders' width
        assertEquals(new ai.djl.ndarray.types.Shape(3, 77, 80),
                SafetensorsFile.open(nulls).tensors().get("null_embeddings").shape());
        JsonNode manifest = Requests.JSON.readTree(object(inverted.path("artifacts").path("manifestKey").asText()));
        assertEquals("stable-diffusion-xl", manifest.path("model").path("family").asText(), manifest.toString());
        assertEquals(128, manifest.path("imageSize").asInt());

        String swapId = Requests.newId("sdxl-swap");
        var swap = Requests.edit(swapId, id, "a tiger sitting next to a mirror");
        swap.putArray("localBlend").add("cat").add("tiger");
        kafka.send(SharedStack.EDIT_REQUESTS, swapId, swap);
        JsonNode edited = kafka.awaitEvent(SharedStack.EDIT_EVENTS, "editId", swapId, TIMEOUT);
        System.out.println("edit event: " + edited);
        assertEquals("succeeded", edited.path("status").asText(), edited.toString());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(object(edited.path("imageKey").asText())));
        assertEquals(128, image.getWidth());
        assertEquals("replace", Requests.JSON.readTree(object(edited.path("manifestKey").asText())).path("editType")
                .asText());
    }

    private static byte[] object(String key) {
        return s3.getObjectAsBytes(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key)).asByteArray();
    }
}
