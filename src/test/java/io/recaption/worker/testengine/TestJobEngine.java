package io.recaption.worker.testengine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recaption.artifacts.InversionFiles;
import io.recaption.pipeline.EditManifest;
import io.recaption.pipeline.InversionCaption;
import io.recaption.pipeline.InversionManifest;
import io.recaption.pipeline.Manifests;
import io.recaption.pipeline.ModelIdentity;
import io.recaption.protocol.EditOptions;
import io.recaption.protocol.ErrorCode;
import io.recaption.protocol.InversionOptions;
import io.recaption.protocol.JobFailure;
import io.recaption.worker.engine.JobEngine;
import io.recaption.worker.engine.JobProgress;
import io.recaption.protocol.UnetBudget;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A test-only engine that does real but trivial work instead of Stable Diffusion: it decodes the image with
 * ImageIO (so undecodable inputs fail as they would), counts caption "tokens" as words + 2 against the CLIP
 * context of 77, writes small real safetensors/PNG/JSON files with the contract's names, reports progress
 * per step and waits {@code recaption-test.engine.step-delay} per step (so tests can make a job long).
 * Selected as a CDI alternative by the worker tests' profile (or by {@code quarkus.arc.selected-alternatives}
 * in the child workers the process tests build).
 *
 * <p>Faults on demand: a model "load" that takes {@code load-delay} and fails with {@code load-failure}; a
 * model identity from {@code model-seed} ({@link #setModel} at run time); a step that hangs until released
 * ({@link #hangNextStep}); and, where {@code allow-crash} is set, a caption containing {@value #CRASH} halts
 * the JVM mid-job as an out-of-memory kill or a native crash would.
 */
@Alternative
@ApplicationScoped
public class TestJobEngine implements JobEngine {

    /** The phase this engine reports its steps in (the real one names the pipeline's phases). */
    public static final String PHASE = "test-steps";


    /** A caption containing this halts the JVM mid-job (where {@code allow-crash} is set). */
    public static final String CRASH = "crash-the-worker";
    /** CLIP's context length, including the begin and end tokens. */
    private static final int CONTEXT = 77;
    private static final int RECONSTRUCTION_SIZE = 64;

    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, AtomicInteger> inversions = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> edits = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger mostRunning = new AtomicInteger();
    private final Instant loadedAt;
    private final Optional<String> loadFailure;
    private final boolean allowCrash;
    private volatile Duration stepDelay;
    private volatile ModelIdentity model;
    private volatile CountDownLatch hang;

    public TestJobEngine(
            @ConfigProperty(name = "recaption-test.engine.step-delay", defaultValue = "PT0S") Duration stepDelay,
            @ConfigProperty(name = "recaption-test.engine.load-delay", defaultValue = "PT0S") Duration loadDelay,
            @ConfigProperty(name = "recaption-test.engine.load-failure") Optional<String> loadFailure,
            @ConfigProperty(name = "recaption-test.engine.model-seed", defaultValue = "test-engine") String modelSeed,
            @ConfigProperty(name = "recaption-test.engine.allow-crash", defaultValue = "false") boolean allowCrash) {
        this.stepDelay = stepDelay;
        this.loadedAt = Instant.now().plus(loadDelay);
        this.loadFailure = loadFailure.filter(f -> !f.isBlank());
        this.allowCrash = allowCrash;
        setModel(modelSeed);
    }

    public void setStepDelay(Duration stepDelay) {
        this.stepDelay = stepDelay;
    }

    /** The model identity this engine reports from now on: a hash derived from {@code seed}. */
    public void setModel(String seed) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            this.model = new ModelIdentity("test-" + seed.replaceAll("[^A-Za-z0-9-]", ""), "sha256:" + HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The next step of any job blocks, reporting no progress, until {@link #release()}. */
    public void hangNextStep() {
        hang = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch latch = hang;
        hang = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** How many inversions ran to completion with this caption. */
    public int inversions(String caption) {
        return inversions.getOrDefault(caption, new AtomicInteger()).get();
    }

    /** How many edits ran to completion with this caption. */
    public int edits(String caption) {
        return edits.getOrDefault(caption, new AtomicInteger()).get();
    }

    /** The most jobs that ever ran at the same time in this engine. */
    public int mostConcurrentJobs() {
        return mostRunning.get();
    }

    @Override
    public boolean ready() {
        return loadFailure.isEmpty() && !Instant.now().isBefore(loadedAt);
    }

    @Override
    public Optional<String> loadFailure() {
        return Instant.now().isBefore(loadedAt) ? Optional.empty() : loadFailure;
    }

    @Override
    public ModelIdentity model() {
        return model;
    }

    @Override
    public InversionManifest invert(Path imageFile, InversionCaption given, InversionOptions options, Path outDir,
            JobProgress progress) throws JobFailure {
        long start = System.nanoTime();
        String caption = given.text();
        checkTokens(caption, options.truncateCaption());
        BufferedImage image = read(imageFile);
        BufferedImage reconstruction = resize(image, RECONSTRUCTION_SIZE, RECONSTRUCTION_SIZE);
        steps(options.steps(), progress);
        if (allowCrash && caption.contains(CRASH)) {
            Runtime.getRuntime().halt(137);
        }
        try {
            float[] meanColor = meanColor(reconstruction);
            Safetensors.write(outDir.resolve(LATENTS), Map.of("zT", meanColor, "z0", meanColor));
            float[] nulls = new float[options.steps() * 4];
            Arrays.fill(nulls, (float) options.guidanceScale());
            Safetensors.write(outDir.resolve(NULL_EMBEDDINGS), Map.of("nullEmbeddings", nulls));
            ImageIO.write(reconstruction, "png", outDir.resolve(RECONSTRUCTION).toFile());
            InversionManifest manifest = new InversionManifest(InversionFiles.FORMAT_VERSION, model, caption,
                    given.source(), given.captioner(), caption.strip().split("\\s+").length + 2, false, options.method().label(),
                    new InversionManifest.Settings(options.steps(), options.guidanceScale(), options.innerSteps(),
                            options.earlyStopEpsilon(), 0.01),
                    RECONSTRUCTION_SIZE, image.getWidth(), image.getHeight(), List.of(), List.of(),
                    UnetBudget.inversion(options.method(), options.steps(), options.innerSteps()),
                    psnr(image, resize(reconstruction, image.getWidth(), image.getHeight())),
                    Map.of("total", (System.nanoTime() - start) / 1e9), Instant.now(), null);
            Manifests.write(outDir, manifest);
            inversions.computeIfAbsent(caption, c -> new AtomicInteger()).incrementAndGet();
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public EditManifest edit(Path inversionDir, EditOptions options, Path outDir, JobProgress progress) throws JobFailure {
        long start = System.nanoTime();
        checkTokens(options.caption(), false);
        try {
            for (String name : new String[] {LATENTS, NULL_EMBEDDINGS, RECONSTRUCTION, MANIFEST}) {
                if (!Files.isRegularFile(inversionDir.resolve(name))) {
                    throw new JobFailure(ErrorCode.INVERSION_NOT_FOUND, "the inversion has no " + name);
                }
            }
            InversionManifest inversion = Manifests.readInversion(inversionDir);
            String source = inversion.caption();
            Set<String> words = new HashSet<>(Arrays.asList((source + " " + options.caption()).toLowerCase(Locale.ROOT).split("\\s+")));
            for (String word : java.util.stream.Stream.concat(options.localBlend().stream(),
                    options.localBlendExcept().stream()).toList()) {
                if (!words.contains(word.toLowerCase(Locale.ROOT))) {
                    throw new JobFailure(ErrorCode.INVALID_OPTIONS, "local blend word '" + word + "' is in neither caption");
                }
            }
            int steps = inversion.settings().steps();
            BufferedImage image = read(inversionDir.resolve(RECONSTRUCTION));
            steps(steps, progress);
            // "edit": swap red and blue, so the result visibly differs from the reconstruction
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    int rgb = image.getRGB(x, y);
                    image.setRGB(x, y, (rgb & 0xff00ff00) | ((rgb >> 16) & 0xff) | ((rgb & 0xff) << 16));
                }
            }
            ImageIO.write(image, "png", outDir.resolve(EDITED_IMAGE).toFile());
            EditManifest manifest = new EditManifest(model, source, options.caption(), "replace", List.of(),
                    options.emphasis(), options.localBlend(), options.localBlendExcept(), options.crossReplaceSteps(), options.selfReplaceSteps(),
                    true, inversion.settings().guidanceScale(), steps, 4L * steps, (System.nanoTime() - start) / 1e9, Instant.now(), null);
            Manifests.write(outDir, manifest);
            edits.computeIfAbsent(options.caption(), c -> new AtomicInteger()).incrementAndGet();
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void checkTokens(String caption, boolean truncate) throws JobFailure {
        int tokens = caption.strip().split("\\s+").length + 2;
        if (tokens > CONTEXT && !truncate) {
            throw new JobFailure(ErrorCode.CAPTION_TOO_LONG,
                    "the caption has " + tokens + " tokens, the text encoder takes " + CONTEXT);
        }
    }

    private void steps(int steps, JobProgress progress) {
        mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
        try {
            runSteps(steps, progress);
        } finally {
            running.decrementAndGet();
        }
    }

    private void runSteps(int steps, JobProgress progress) {
        for (int i = 1; i <= steps; i++) {
            CountDownLatch latch = hang;
            if (latch != null) {
                try {
                    latch.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            if (!stepDelay.isZero()) {
                try {
                    Thread.sleep(stepDelay.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            progress.report((double) i / steps, PHASE);
        }
    }

    private static BufferedImage read(Path file) throws JobFailure {
        try {
            BufferedImage image = ImageIO.read(file.toFile());
            if (image == null) {
                throw new JobFailure(ErrorCode.NOT_AN_IMAGE, "ImageIO cannot decode the input");
            }
            return image;
        } catch (IOException e) {
            throw new JobFailure(ErrorCode.NOT_AN_IMAGE, "ImageIO cannot decode the input: " + e.getMessage());
        }
    }

    private static BufferedImage resize(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    private static float[] meanColor(BufferedImage image) {
        float[] sum = new float[4];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                sum[0] += (rgb >> 16) & 0xff;
                sum[1] += (rgb >> 8) & 0xff;
                sum[2] += rgb & 0xff;
                sum[3] += 1;
            }
        }
        return new float[] {sum[0] / sum[3] / 255f, sum[1] / sum[3] / 255f, sum[2] / sum[3] / 255f, 1f};
    }

    private static double psnr(BufferedImage a, BufferedImage b) {
        double squared = 0;
        int n = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    double d = ((p >> shift) & 0xff) - ((q >> shift) & 0xff);
                    squared += d * d;
                    n++;
                }
            }
        }
        double mse = squared / n;
        return mse == 0 ? 100.0 : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
