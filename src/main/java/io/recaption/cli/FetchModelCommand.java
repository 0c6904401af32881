package io.recaption.cli;

import io.quarkus.arc.Unremovable;
import io.recaption.worker.store.SnapshotSync;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The worker pod's init step: copies the model snapshot from S3 into the pod's model volume with the worker's own
 * S3 configuration ({@code quarkus.s3.*}: endpoint, region, credentials chain incl. IRSA), so the pod needs one
 * image and no AWS CLI. A CDI bean (built by {@link CdiCommandFactory}) for the configured S3 client.
 */
@Command(name = "fetch-model", mixinStandardHelpOptions = true,
        description = {"Copy a diffusers snapshot folder from S3 to a local folder (what the worker pod's init container "
                + "runs). Fetches only files that are missing or differ; each lands whole (partial file, then a move).",
            "S3 settings as for the worker: quarkus.s3.* (QUARKUS_S3_ENDPOINT_OVERRIDE, QUARKUS_S3_AWS_REGION, …) and "
                + "the AWS default credentials chain.",
            "Exit codes: 0 copied, 1 S3 or disk failed, 2 bad arguments or not a snapshot."})
@Dependent
@Unremovable
public class FetchModelCommand implements Callable<Integer> {

    @Option(names = "--from", required = true, paramLabel = "s3://BUCKET/FOLDER/",
            description = "the snapshot folder in S3 (model_index.json at its root)")
    String from;

    @Option(names = "--to", required = true, paramLabel = "FOLDER", description = "the local folder to fill")
    Path to;

    @Spec
    CommandSpec spec;

    @Inject
    S3Client s3;

    @Override
    public Integer call() {
        SnapshotSync.Location location;
        try {
            location = SnapshotSync.Location.parse(from);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--from " + e.getMessage());
        }
        long start = System.nanoTime();
        try {
            SnapshotSync.Result result = new SnapshotSync(s3).sync(location, to);
            spec.commandLine().getOut().printf("%s -> %s: %d files, %d fetched (%.1f MB), %d already there, %.1f s%n",
                    location, to.toAbsolutePath(), result.files(), result.fetched(), result.fetchedBytes() / 1e6,
                    result.kept(), (System.nanoTime() - start) / 1e9);
            spec.commandLine().getOut().flush();
            return 0;
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("fetch-model: " + e.getMessage());
            return 2;
        } catch (SdkException | UncheckedIOException e) {
            spec.commandLine().getErr().println("fetch-model: cannot copy " + location + ": " + e.getMessage());
            return 1;
        }
    }
}
