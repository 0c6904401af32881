package io.recaption.worker.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Copies a model snapshot folder from S3 to a local folder: what the worker pod's init container does before the
 * worker starts ({@code recaption fetch-model}), with the worker's own image and S3 configuration, so the pod runs
 * one image (pinnable by digest) and no AWS CLI.
 *
 * <p>Like {@code aws s3 sync} it downloads only what is missing or differs (size or modification time: each file
 * takes its object's {@code LastModified}), so a restarted init container on the same volume resumes instead of
 * starting over. Each object is written to a hidden partial file beside its place and moved there atomically once
 * its size is checked: the worker never sees half a weight file. A key that would land outside the folder ({@code
 * ..}, empty segments, backslashes) is refused before anything is written, and a folder without {@code
 * model_index.json} at its root is not a diffusers snapshot and fails the sync.
 */
public final class SnapshotSync {

    /** The file every diffusers snapshot has at its root. */
    public static final String MODEL_INDEX = "model_index.json";
    static final String PARTIAL_SUFFIX = ".recaption-part";
    private static final Pattern S3_URI = Pattern.compile("s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?");

    /** Where a snapshot lives: a bucket and a key prefix ending in {@code /} (or empty: the whole bucket). */
    public record Location(String bucket, String prefix) {

        public Location {
            if (!prefix.isEmpty() && !prefix.endsWith("/")) {
                prefix = prefix + "/";
            }
        }

        /** Parses {@code s3://bucket/prefix}; the trailing {@code /} is optional. */
        public static Location parse(String uri) {
            var matcher = S3_URI.matcher(uri);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("'" + uri + "' is not an S3 folder; give s3://bucket/folder/");
            }
            return new Location(matcher.group(1), matcher.group(2) == null ? "" : matcher.group(2));
        }

        @Override
        public String toString() {
            return "s3://" + bucket + "/" + prefix;
        }
    }

    /** What one sync did: files in the snapshot, how many were fetched (and their bytes), how many were kept. */
    public record Result(int files, int fetched, long fetchedBytes, int kept) {}

    private final S3Client s3;

    public SnapshotSync(S3Client s3) {
        this.s3 = s3;
    }

    /**
     * Makes {@code folder} hold every object under {@code from}, by relative key.
     *
     * @throws IllegalArgumentException a key that would land outside {@code folder}, or no {@value #MODEL_INDEX}
     * @throws UncheckedIOException the folder cannot be written
     */
    public Result sync(Location from, Path folder) {
        Path root = folder.toAbsolutePath().normalize();
        // list everything and check every key first: a hostile or broken listing writes nothing
        List<S3Object> objects = new ArrayList<>();
        List<Path> targets = new ArrayList<>();
        for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(from.bucket()).prefix(from.prefix())).contents()) {
            String relative = object.key().substring(from.prefix().length());
            if (relative.isEmpty() || relative.endsWith("/")) {
                continue; // a folder marker (consoles write them), not a file
            }
            objects.add(object);
            targets.add(target(root, relative, from));
        }
        if (!targets.contains(root.resolve(MODEL_INDEX))) {
            throw new IllegalArgumentException("no " + MODEL_INDEX + " under " + from
                    + " (" + objects.size() + " objects): not a diffusers snapshot folder");
        }
        int fetched = 0;
        long bytes = 0;
        try {
            for (int i = 0; i < objects.size(); i++) {
                S3Object object = objects.get(i);
                Path target = targets.get(i);
                FileTime modified = FileTime.from(object.lastModified());
                if (Files.isRegularFile(target) && Files.size(target) == object.size()
                        && Files.getLastModifiedTime(target).equals(modified)) {
                    continue;
                }
                fetch(from.bucket(), object, target, modified);
                fetched++;
                bytes += object.size();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Result(objects.size(), fetched, bytes, objects.size() - fetched);
    }

    private void fetch(String bucket, S3Object object, Path target, FileTime modified) throws IOException {
        Files.createDirectories(target.getParent());
        Path partial = target.resolveSibling("." + target.getFileName() + PARTIAL_SUFFIX);
        Files.deleteIfExists(partial); // left by a sync that was killed: start that file again
        s3.getObject(b -> b.bucket(bucket).key(object.key()), ResponseTransformer.toFile(partial));
        long size = Files.size(partial);
        if (size != object.size()) {
            Files.deleteIfExists(partial);
            throw new IOException("s3://" + bucket + "/" + object.key() + " was listed with " + object.size()
                    + " bytes but " + size + " arrived (changed while copying?)");
        }
        Files.setLastModifiedTime(partial, modified);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The local path of a relative key, refusing keys that S3 allows but a file system would resolve elsewhere. */
    static Path target(Path root, String relative, Location from) {
        boolean odd = relative.startsWith("/") || relative.contains("\\") || relative.contains("\0");
        for (String segment : relative.split("/", -1)) {
            odd |= segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.endsWith(PARTIAL_SUFFIX);
        }
        Path target = root.resolve(relative).normalize();
        if (odd || !target.startsWith(root) || target.equals(root)) {
            throw new IllegalArgumentException("refusing s3://" + from.bucket() + "/" + from.prefix() + relative
                    + ": its key would not name a file inside " + root);
        }
        return target;
    }
}
