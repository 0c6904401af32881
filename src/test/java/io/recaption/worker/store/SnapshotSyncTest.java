package io.recaption.worker.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.worker.SharedStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** {@code fetch-model}'s copy of a snapshot folder from s3proxy: whole, resumable, confined to its folder. */
@Tag("integration")
class SnapshotSyncTest {

    @TempDir
    Path dir;

    private final S3Client s3 = SharedStack.get().s3().client();
    private final String bucket = SharedStack.ARTIFACTS_BUCKET;

    @Test
    void copiesEveryFileThenOnlyWhatChangedOrWasLeftHalfWritten() throws Exception {
        String prefix = "models/sync-" + System.nanoTime() + "/";
        byte[] weights = new byte[3 * 1024 * 1024 + 17]; // more than one read buffer
        new Random(7).nextBytes(weights);
        byte[] index = "{\"_class_name\": \"StableDiffusionPipeline\"}".getBytes(StandardCharsets.UTF_8);
        put(prefix + "model_index.json", index);
        put(prefix + "unet/config.json", "{}".getBytes(StandardCharsets.UTF_8));
        put(prefix + "unet/diffusion_pytorch_model.safetensors", weights);
        put(prefix + "vae/", new byte[0]); // a folder marker, as consoles make them
        Path model = dir.resolve("model");
        SnapshotSync sync = new SnapshotSync(s3);

        SnapshotSync.Result first = sync.sync(SnapshotSync.Location.parse("s3://" + bucket + "/" + prefix), model);
        assertEquals(new SnapshotSync.Result(3, 3, weights.length + 2L + index.length, 0), first);
        assertArrayEquals(weights, Files.readAllBytes(model.resolve("unet/diffusion_pytorch_model.safetensors")));
        assertEquals("{}", Files.readString(model.resolve("unet/config.json")));
        assertFalse(Files.exists(model.resolve("vae")), "a folder marker is no file");
        assertEquals(List.of(), partials(model), "no partial file stays");

        SnapshotSync.Result again = sync.sync(SnapshotSync.Location.parse("s3://" + bucket + "/" + prefix.replaceAll("/$", "")), model);
        assertEquals(new SnapshotSync.Result(3, 0, 0, 3), again, "nothing changed: nothing fetched (prefix without /)");

        // a killed copy: one file cut short, a partial file beside it; and a config changed in S3
        Files.write(model.resolve("unet/diffusion_pytorch_model.safetensors"), new byte[10]);
        Files.write(model.resolve("unet/.diffusion_pytorch_model.safetensors" + SnapshotSync.PARTIAL_SUFFIX), new byte[5]);
        put(prefix + "unet/config.json", "{\"in_channels\": 4}".getBytes(StandardCharsets.UTF_8));
        SnapshotSync.Result resumed = sync.sync(SnapshotSync.Location.parse("s3://" + bucket + "/" + prefix), model);
        assertEquals(2, resumed.fetched(), resumed.toString());
        assertEquals(1, resumed.kept(), resumed.toString());
        assertArrayEquals(weights, Files.readAllBytes(model.resolve("unet/diffusion_pytorch_model.safetensors")));
        assertEquals("{\"in_channels\": 4}", Files.readString(model.resolve("unet/config.json")));
        assertEquals(List.of(), partials(model));
    }

    @Test
    void aFolderWithoutModelIndexIsNoSnapshotAndNothingIsWritten() {
        String prefix = "models/not-a-snapshot-" + System.nanoTime() + "/";
        put(prefix + "unet/config.json", "{}".getBytes(StandardCharsets.UTF_8));
        Path model = dir.resolve("model");
        SnapshotSync.Location from = SnapshotSync.Location.parse("s3://" + bucket + "/" + prefix);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new SnapshotSync(s3).sync(from, model));
        assertTrue(refused.getMessage().startsWith("no model_index.json under s3://" + bucket + "/" + prefix), refused.getMessage());
        assertFalse(Files.exists(model));
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> new SnapshotSync(s3).sync(SnapshotSync.Location.parse("s3://" + bucket + "/models/absent-" + System.nanoTime()), model));
        assertTrue(empty.getMessage().contains("(0 objects)"), empty.getMessage());
    }

    @Test
    void keysThatWouldLandOutsideTheFolderAreRefused() {
        Path root = dir.resolve("model");
        SnapshotSync.Location from = SnapshotSync.Location.parse("s3://" + bucket + "/models/x");
        assertEquals(root.resolve("unet/config.json"), SnapshotSync.target(root, "unet/config.json", from));
        for (String key : List.of("../escape", "unet/../../escape", "a//b", "./model_index.json", "/etc/passwd",
                "unet\\..\\..\\x", "unet/.config.json" + SnapshotSync.PARTIAL_SUFFIX)) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> SnapshotSync.target(root, key, from), key);
            assertTrue(refused.getMessage().contains("would not name a file inside"), refused.getMessage());
        }
    }

    @Test
    void locationsAreS3Folders() {
        assertEquals(new SnapshotSync.Location("b-1", "models/sd/"), SnapshotSync.Location.parse("s3://b-1/models/sd"));
        assertEquals(new SnapshotSync.Location("b-1", ""), SnapshotSync.Location.parse("s3://b-1"));
        assertEquals("s3://b-1/models/sd/", SnapshotSync.Location.parse("s3://b-1/models/sd/").toString());
        for (String bad : List.of("/model", "https://b-1/models", "s3://", "s3://UPPER/x")) {
            assertThrows(IllegalArgumentException.class, () -> SnapshotSync.Location.parse(bad), bad);
        }
    }

    private void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    private static List<Path> partials(Path folder) throws Exception {
        try (var files = Files.walk(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SnapshotSync.PARTIAL_SUFFIX)).toList();
        }
    }
}
