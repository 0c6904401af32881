package io.recaption.web;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Optional;

/**
 * The caption editor's own configuration ({@code recaption.web.*}; README, "Service"). Kafka, S3, buckets, the
 * artifacts prefix, topics and limits are the worker's keys ({@code io.recaption.worker.RecaptionConfig}).
 */
@ConfigMapping(prefix = "recaption.web")
public interface WebConfig {

    /** Serve the page and /api: on in the {@code web} profile only, so the worker exposes neither. */
    @WithDefault("false")
    boolean enabled();

    /**
     * Key prefix of uploaded photos in the first input bucket ({@code recaption.input.buckets}); the web's IAM role
     * may write only there. Inversions are accepted only for keys under it.
     */
    @WithName("uploads-prefix")
    @WithDefault("uploads/")
    String uploadsPrefix();

    /** Most edits an inversion's history answers (newest first): each costs two small S3 reads per history view. */
    @WithName("history-limit")
    @WithDefault("20")
    int historyLimit();

    /** How long publishing a request may take before the API answers 503 (bounds the producer's retries too). */
    @WithName("publish-timeout")
    @WithDefault("PT10S")
    Duration publishTimeout();

    /**
     * The workers caption photos that come without a caption (their {@code recaption.captioner.path} is set): the
     * editor then accepts an empty caption, and the page shows the model's once the inversion is done, to edit.
     * Off by default, as the worker's captioner is: a caption-less request is refused CAPTION_REQUIRED here.
     */
    @WithName("model-captions")
    @WithDefault("false")
    boolean modelCaptions();

    /**
     * Uploads received at once, each spooled to a temporary file of up to {@code recaption.limits.max-image-bytes}:
     * one more is answered 429, so a flood of slow uploads cannot fill the pod's disk or hold every thread.
     */
    @WithName("max-concurrent-uploads")
    @WithDefault("4")
    int maxConcurrentUploads();

    Auth auth();

    /**
     * Access control, closed by default: the editor refuses to start unless a token or a user and password is set
     * (either one alone, or both: a request passes with either), or {@link #anonymous()} says it may be open.
     */
    interface Auth {
        /**
         * Serve without credentials. Only for an editor nobody else can reach: {@code demo} sets it for its loopback
         * editor; a deployment that forgets its secret must not come up open.
         */
        @WithDefault("false")
        boolean anonymous();

        /** A shared token, sent as {@code Authorization: Bearer <token>} (scripts, API clients). */
        Optional<String> token();

        /**
         * Whom the token's requests are made for: the owner of their jobs (a basic user owns its own, under its name).
         * Each owner sees only its own jobs.
         */
        @WithName("token-owner")
        @WithDefault("api")
        String tokenOwner();

        /**
         * Accept bearer tokens that are signed JWTs (an OIDC provider's access tokens), verified by smallrye-jwt
         * against the issuer's keys ({@code mp.jwt.verify.publickey.location}: a PEM or JWKS file or URL) and its
         * name ({@code mp.jwt.verify.issuer}), expiry included; the token's subject ({@code sub}) owns its jobs.
         */
        @WithDefault("false")
        boolean jwt();

        /** HTTP basic authentication (browsers ask for it): this user name … */
        Optional<String> username();

        /** … and this password. */
        Optional<String> password();
    }
}
