package io.recaption.worker;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The worker's own configuration ({@code recaption.*}; every key is documented in README, "Service"). Kafka and
 * S3 connections use Quarkus's own keys ({@code kafka.bootstrap.servers}, {@code quarkus.s3.*}).
 */
@ConfigMapping(prefix = "recaption")
public interface RecaptionConfig {

    Topics topics();

    /** The worker's Kafka consumer group. */
    @WithName("consumer-group")
    String consumerGroup();

    Model model();

    Artifacts artifacts();

    Input input();

    Limits limits();

    /** Defaults of an inversion request's {@code options}. */
    InversionDefaults inversion();

    /** Defaults of an edit request's optional fields. */
    EditDefaults edit();

    Storage storage();

    Jobs jobs();

    interface Topics {
        @WithName("inversion-requests")
        String inversionRequests();

        @WithName("inversion-events")
        String inversionEvents();

        @WithName("edit-requests")
        String editRequests();

        @WithName("edit-events")
        String editEvents();

        @WithName("inversion-requests-dlq")
        String inversionRequestsDlq();

        @WithName("edit-requests-dlq")
        String editRequestsDlq();
    }

    interface Model {
        /** The diffusers snapshot folder the engine loads. */
        String path();

        /** Load the model as the worker starts (off for the local commands, which load their own). */
        @WithDefault("true")
        boolean preload();

        /** How long a job waits for the model to finish loading before it fails with ENGINE_UNAVAILABLE. */
        @WithName("load-timeout")
        @WithDefault("PT10M")
        java.time.Duration loadTimeout();
    }

    interface Artifacts {
        /** Where inversions and edits are written. */
        String bucket();

        /** Key prefix for everything the worker writes (empty, or e.g. {@code prod/}; a missing '/' is added). */
        @WithDefault("")
        Optional<String> prefix();
    }

    interface Input {
        /** Buckets input images may come from; empty means the artifacts bucket only. */
        Optional<List<String>> buckets();
    }

    interface Limits {
        /** Largest input image object, in bytes. */
        @WithName("max-image-bytes")
        @WithDefault("26214400")
        long maxImageBytes();

        /** Largest input image, width × height (read from the header before decoding). */
        @WithName("max-image-pixels")
        @WithDefault("16777216")
        long maxImagePixels();

        /** Longest input image key, in UTF-8 bytes. */
        @WithName("max-key-length")
        @WithDefault("512")
        int maxKeyLength();

        /** Longest caption, in characters (the engine also limits tokens). */
        @WithName("max-caption-chars")
        @WithDefault("1000")
        int maxCaptionChars();

        @WithName("max-steps")
        @WithDefault("1000")
        int maxSteps();

        @WithName("max-inner-steps")
        @WithDefault("100")
        int maxInnerSteps();

        @WithName("max-guidance-scale")
        @WithDefault("50")
        double maxGuidanceScale();

        /** Largest |factor| of an emphasis word. */
        @WithName("max-emphasis")
        @WithDefault("10")
        double maxEmphasis();

        /** Most entries in {@code emphasis} and in {@code localBlend}. */
        @WithName("max-words")
        @WithDefault("16")
        int maxWords();
    }

    interface InversionDefaults {
        @WithDefault("null-text")
        String method();

        @WithDefault("50")
        int steps();

        @WithName("guidance-scale")
        @WithDefault("7.5")
        double guidanceScale();

        @WithName("inner-steps")
        @WithDefault("10")
        int innerSteps();

        @WithName("early-stop-epsilon")
        @WithDefault("1e-5")
        double earlyStopEpsilon();
    }

    interface EditDefaults {
        @WithName("cross-replace-steps")
        @WithDefault("0.8")
        double crossReplaceSteps();

        @WithName("self-replace-steps")
        @WithDefault("0.4")
        double selfReplaceSteps();
    }

    interface Storage {
        Retry retry();

        interface Retry {
            /** Attempts of one S3 call before the job fails with STORAGE_UNAVAILABLE. */
            @WithDefault("6")
            int attempts();

            /** Wait before the second attempt; doubled after each failure up to the maximum. */
            @WithName("initial-backoff")
            @WithDefault("PT0.5S")
            Duration initialBackoff();

            @WithName("max-backoff")
            @WithDefault("PT10S")
            Duration maxBackoff();
        }
    }

    interface Jobs {
        /** Where a job's input and output files live while it runs (default: the JVM's temporary folder). */
        @WithName("work-dir")
        Optional<String> workDir();

        /** Least time between two progress updates of status.json. */
        @WithName("status-interval")
        @WithDefault("PT1S")
        Duration statusInterval();

        /**
         * How long shutdown waits for the running job; after it the job is abandoned uncommitted (redelivered).
         * Keep it below the pod's termination grace period.
         */
        @WithName("shutdown-grace")
        @WithDefault("PT30S")
        Duration shutdownGrace();
    }
}
