package io.recaption.worker;

import io.recaption.protocol.UnetBudget;
import io.recaption.worker.engine.WorkerCaptioner;
import io.recaption.worker.lease.Lease;
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

    /**
     * This worker's id: recorded in leases and manifests, and (with a suffix per channel) its Kafka
     * {@code group.instance.id} (static membership). In Kubernetes the pod's name; unset, a random id is used
     * and membership is dynamic.
     */
    @WithName("worker-id")
    Optional<String> workerId();

    Lease lease();

    Model model();

    /** The captioning model for inversion requests that come without a caption. */
    Captioner captioner();

    Artifacts artifacts();

    Input input();

    Limits limits();

    /** Defaults of an inversion request's {@code options}. */
    InversionDefaults inversion();

    /** Defaults of an edit request's optional fields. */
    EditDefaults edit();

    Storage storage();

    Kafka kafka();

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

        /**
         * The model's name in manifests (its identity's label; the hash of its files is what is compared). Unset:
         * the snapshot folder's name.
         */
        Optional<String> name();

        /**
         * What the models' weights are kept and their forward passes computed in: {@code float32}, {@code bfloat16}
         * or {@code float16} (latents, null embeddings, Adam's state and the scheduler stay float32). Half
         * precision is for GPUs: on CPU bfloat16 works but is not faster everywhere. Every worker of a fleet should
         * use the same one (the numbers of an inversion depend on it).
         */
        @WithDefault("float32")
        String dtype();

        /**
         * Exit the process when the model cannot be loaded (Kubernetes restarts the container); off, the startup
         * and liveness checks report it and nothing is consumed.
         */
        @WithName("exit-on-load-failure")
        @WithDefault("true")
        boolean exitOnLoadFailure();
    }

    interface Captioner {
        /**
         * A BLIP snapshot folder ({@link WorkerCaptioner}); loaded with the model as the worker starts. Unset: an
         * inversion request without a caption fails with {@code CAPTION_REQUIRED}.
         */
        Optional<String> path();
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

        /**
         * Key prefixes input images must start with. Keys under the worker's own artifact prefixes
         * ({@code inversions/}, {@code edits/} below the artifacts prefix) are refused in any case.
         */
        @WithDefault("uploads/")
        List<String> prefixes();
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
        @WithDefault("100")
        int maxSteps();

        @WithName("max-inner-steps")
        @WithDefault("20")
        int maxInnerSteps();

        /**
         * Most UNet evaluations one inversion may cost (DDIM inversion + optimization + reconstruction; see
         * {@link UnetBudget}). The default admits SD 1.5's reference settings, 50 steps × 10 inner passes
         * of null-text (1750), with room for the global variant at those settings (2150).
         */
        @WithName("max-unet-evaluations")
        @WithDefault("2500")
        long maxUnetEvaluations();

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
        /**
         * How long an edit waits for its inversion to complete, counted from the edit's first delivery: while
         * the inversion is queued, running or not yet requested, the edit is put back on its topic.
         */
        @WithName("inversion-wait")
        @WithDefault("PT30M")
        Duration inversionWait();

        /** How long an edit waiting for its inversion is held before it is put back on its topic. */
        @WithName("requeue-delay")
        @WithDefault("PT2S")
        Duration requeueDelay();

        /**
         * The most times an edit waiting for its inversion is put back on its topic (a bound besides
         * {@code inversion-wait}: 30 minutes at 2 s is 900 passes).
         */
        @WithName("max-requeues")
        @WithDefault("1000")
        int maxRequeues();

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
            /**
             * How long an S3 call is retried outside a job (a job retries until its deadline).
             */
            @WithName("max-wait")
            @WithDefault("PT30S")
            Duration maxWait();

            /** Wait before the second attempt; doubled after each failure up to the maximum. */
            @WithName("initial-backoff")
            @WithDefault("PT0.5S")
            Duration initialBackoff();

            @WithName("max-backoff")
            @WithDefault("PT10S")
            Duration maxBackoff();
        }
    }

    interface Kafka {
        /** Publishing an event or putting a request back: retried with backoff while the broker does not answer. */
        Retry retry();

        interface Retry {
            /** Wait before the second attempt; doubled after each failure up to the maximum. */
            @WithName("initial-backoff")
            @WithDefault("PT0.5S")
            Duration initialBackoff();

            @WithName("max-backoff")
            @WithDefault("PT10S")
            Duration maxBackoff();

            /**
             * Publishing is retried until the job's deadline, and at least this long from the moment the job
             * ended: a job that ends at its deadline (JOB_TIMEOUT) still gets its event out.
             */
            @WithName("min-wait")
            @WithDefault("PT30S")
            Duration minWait();
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

        /**
         * A job's deadline from its start: checked between engine steps (JOB_TIMEOUT) and bounding every retry
         * of S3 and Kafka within it.
         */
        @WithDefault("PT30M")
        Duration deadline();

        /** A running job that reports no progress for this long fails the liveness check (a hung GPU). */
        @WithName("stall-timeout")
        @WithDefault("PT10M")
        Duration stallTimeout();

        /** Starts of one job (lease attempts that never finished) after which it is poison (DLQ POISON). */
        @WithName("max-starts")
        @WithDefault("3")
        int maxStarts();
    }

    interface Lease {
        /** How long a lease holds without renewal: after a crash, the time before another worker takes over. */
        @WithDefault("PT60S")
        Duration duration();

        /** How often the running job's lease is renewed. */
        @WithName("renew-interval")
        @WithDefault("PT15S")
        Duration renewInterval();
    }
}
