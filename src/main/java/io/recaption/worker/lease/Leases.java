package io.recaption.worker.lease;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.recaption.protocol.LogSafe;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.WorkerIdentity;
import io.recaption.worker.store.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * Claims, renews and ends job leases with S3 conditional writes: a first claim creates {@code lease.json} with
 * {@code If-None-Match: *}; taking over an expired or released lease, renewing one and ending one replace it with
 * {@code If-Match} on the ETag it was read at. Of two workers racing for the same lease exactly one write
 * succeeds, so a job never runs twice at once while its lease holds. The lease also counts the starts that
 * never finished: at {@code recaption.jobs.max-starts} of them the job is judged poison instead of started.
 */
@ApplicationScoped
public class Leases {

    private static final Logger LOG = Logger.getLogger(Leases.class);
    static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).build();

    /** What a claim found. */
    public sealed interface Claim {
        /** The lease is ours: run attempt {@code lease.attempt()}; {@code takenOver} when it was another's. */
        record Claimed(Lease lease, String etag, boolean takenOver) implements Claim {}

        /** Another worker holds a live lease. */
        record Busy(Lease lease) implements Claim {}

        /** The job's starts all ended without finishing; we hold the verdict (state POISONED). */
        record Poisoned(Lease lease, String etag) implements Claim {}
    }

    private final ArtifactStore store;
    private final RecaptionConfig config;
    private final WorkerIdentity worker;
    private final Clock clock;

    public Leases(ArtifactStore store, RecaptionConfig config, WorkerIdentity worker, Clock clock) {
        this.clock = clock;
        this.store = store;
        this.config = config;
        this.worker = worker;
    }

    /** Claims the lease at {@code key} for a run of the request hashed {@code requestHash}. */
    public Claim claim(String key, String requestHash) {
        while (true) {
            Instant now = clock.instant();
            Instant until = now.plus(config.lease().duration());
            Optional<ArtifactStore.Versioned> current = store.read(key);
            if (current.isEmpty()) {
                Lease first = new Lease(worker.id(), 1, attemptId(1), 0, until, now, requestHash, Lease.State.HELD);
                Optional<String> etag = store.create(key, bytes(first));
                if (etag.isPresent()) {
                    return new Claim.Claimed(first, etag.get(), false);
                }
                Optional<Claim> landed = ours(key, first);
                if (landed.isPresent()) {
                    return landed.get();
                }
                continue; // another worker created it first: read theirs
            }
            Lease lease = parse(current.get().bytes());
            if (lease.liveAt(now)) {
                return new Claim.Busy(lease);
            }
            int crashes = lease.crashes() + (lease.state() == Lease.State.HELD ? 1 : 0);
            boolean poison = crashes >= config.jobs().maxStarts();
            Lease next = new Lease(worker.id(), lease.attempt() + (poison ? 0 : 1),
                    attemptId(lease.attempt() + (poison ? 0 : 1)), Math.min(crashes, lease.attempt()),
                    until, now, requestHash, poison ? Lease.State.POISONED : Lease.State.HELD);
            Optional<String> etag = store.replace(key, bytes(next), current.get().etag());
            if (etag.isEmpty()) {
                Optional<Claim> landed = ours(key, next);
                if (landed.isEmpty()) {
                    continue; // someone else wrote it meanwhile: judge again from theirs
                }
                etag = Optional.of(((Claim.Claimed) landed.get()).etag());
            }
            if (poison) {
                LOG.warnf("lease %s: %d starts never finished: poison", LogSafe.text(key), crashes);
                return new Claim.Poisoned(next, etag.get());
            }
            if (lease.state() == Lease.State.HELD) {
                LOG.infof("lease %s taken over from %s (attempt %d expired at %s)", LogSafe.text(key),
                        LogSafe.text(lease.workerId()), lease.attempt(), lease.expiresAt());
            }
            return new Claim.Claimed(next, etag.get(), lease.state() == Lease.State.HELD);
        }
    }

    /**
     * After a conditional write that seemed to lose: whether the lease there is the one we wrote (a retried
     * write whose first try landed and whose answer was lost). Attempt ids are random, so no one else writes ours.
     */
    private Optional<Claim> ours(String key, Lease written) {
        return store.read(key).filter(v -> {
            Lease found = parse(v.bytes());
            return found.attemptId().equals(written.attemptId()) && found.state() == written.state();
        }).map(v -> new Claim.Claimed(written, v.etag(), false));
    }

    /** The lease at {@code key}, if there is one. */
    public Optional<Lease> read(String key) {
        return store.read(key).map(v -> parse(v.bytes()));
    }

    /**
     * Extends a held lease by its duration, if it is still ours (one S3 call, no retries: the next renewal
     * follows soon). The new ETag; empty when another worker has taken it over; the same ETag when S3 did not
     * answer (we may still hold it).
     */
    Optional<String> renew(String key, Lease lease, String etag) {
        Instant now = clock.instant();
        try {
            Optional<String> renewed = store.replaceOnce(key, bytes(lease.renewed(now, now.plus(config.lease().duration()))), etag);
            if (renewed.isPresent()) {
                return renewed;
            }
            // an earlier renewal may have landed without its answer: the lease is still ours if it names our attempt
            return store.read(key).filter(v -> {
                Lease found = parse(v.bytes());
                return found.attemptId().equals(lease.attemptId()) && found.state() == Lease.State.HELD;
            }).map(ArtifactStore.Versioned::etag);
        } catch (RuntimeException e) {
            LOG.debugf("lease %s not renewed now: %s", LogSafe.text(key), e.getMessage());
            return Optional.of(etag);
        }
    }

    /** Ends a lease we hold (best effort: an unended lease simply expires). */
    void end(String key, Lease lease, String etag, Lease.State state) {
        try {
            store.replaceOnce(key, bytes(lease.ended(state, clock.instant())), etag);
        } catch (RuntimeException e) {
            LOG.debugf("lease %s not ended: %s", LogSafe.text(key), e.getMessage());
        }
    }

    private String attemptId(int attempt) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        return "a" + attempt + "-" + HexFormat.of().formatHex(random);
    }

    public static byte[] bytes(Lease lease) {
        try {
            return JSON.writeValueAsBytes(lease);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Lease parse(byte[] bytes) {
        try {
            return JSON.readValue(bytes, Lease.class);
        } catch (IOException e) {
            throw new UncheckedIOException("lease.json is not a lease", e);
        }
    }
}
