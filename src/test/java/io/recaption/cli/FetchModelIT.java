package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.cli.PackagedApp.Run;
import io.recaption.devstack.LocalStack;
import io.recaption.worker.SharedStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker pod's init step as the pod runs it: the packaged application's {@code fetch-model}, configured only
 * by the worker's {@code quarkus.s3.*} settings, copies a snapshot folder from s3proxy byte for byte, fetches
 * nothing the second time, and refuses what is not a snapshot with exit code 2.
 */
@Tag("integration")
class FetchModelIT {

    @TempDir
    Path dir;

    @Test
    void copiesTheSnapshotThatTheWorkerThenLoads() throws Exception {
        LocalStack stack = SharedStack.get();
        Path snapshot = Path.of("target", "shapes-model").toAbsolutePath();
        String prefix = "models/shapes-" + System.nanoTime() + "/";
        List<Path> files;
        try (Stream<Path> walk = Files.walk(snapshot)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        S3Client s3 = stack.s3().client();
        for (Path file : files) {
            String key = prefix + snapshot.relativize(file).toString().replace('\\', '/');
            s3.putObject(b -> b.bucket(SharedStack.ARTIFACTS_BUCKET).key(key), RequestBody.fromFile(file));
        }
        String from = "s3://" + SharedStack.ARTIFACTS_BUCKET + "/" + prefix;
        Path model = dir.resolve("model");

        Run first = run(stack, "fetch-model", "--from", from, "--to", model.toString());
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains(files.size() + " files, " + files.size() + " fetched"), first.output());
        for (Path file : files) {
            assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(model.resolve(snapshot.relativize(file))),
                    snapshot.relativize(file).toString());
        }
        Run again = run(stack, "fetch-model", "--from", from, "--to", model.toString());
        assertEquals(0, again.exit(), again.output());
        assertTrue(again.output().contains(", 0 fetched (0.0 MB), " + files.size() + " already there"), again.output());

        Run notSnapshot = run(stack, "fetch-model", "--from", from + "unet/", "--to", dir.resolve("unet").toString());
        assertEquals(2, notSnapshot.exit(), notSnapshot.output());
        assertTrue(notSnapshot.output().contains("fetch-model: no model_index.json under " + from + "unet/"), notSnapshot.output());
        Run notS3 = run(stack, "fetch-model", "--from", "/model", "--to", dir.resolve("x").toString());
        assertEquals(2, notS3.exit(), notS3.output());
        assertTrue(notS3.output().contains("--from '/model' is not an S3 folder"), notS3.output());
    }

    private Run run(LocalStack stack, String... args) throws IOException, InterruptedException {
        List<String> options = stack.quarkusConfig().entrySet().stream().map(e -> "-D" + e.getKey() + "=" + e.getValue()).toList();
        return PackagedApp.run(dir, options, Duration.ofMinutes(2), args);
    }
}
