package io.recaption.worker.lease;

import io.recaption.protocol.LogSafe;
import io.recaption.worker.JobInterrupted;
import io.recaption.worker.RecaptionConfig;
import io.recaption.worker.RunningJob;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Renews the running attempt's lease every {@code recaption.lease.renew-interval} on a thread of its own (a
 * long engine step does not delay it). When a renewal finds the lease taken over, the job is told
 * ({@link RunningJob#checkpoint()} then throws {@link JobInterrupted.LeaseLost}) and renewals stop.
 */
@ApplicationScoped
public class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final Leases leases;
    private final RecaptionConfig config;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "recaption-lease-renewal");
        thread.setDaemon(true);
        return thread;
    });

    public LeaseKeeper(Leases leases, RecaptionConfig config) {
        this.leases = leases;
        this.config = config;
    }

    /** One held lease being renewed. */
    public final class Renewal {
        private final String key;
        private final Lease lease;
        private final RunningJob job;
        private volatile String etag;
        private volatile boolean lost;
        private ScheduledFuture<?> future;

        private Renewal(String key, Lease lease, String etag, RunningJob job) {
            this.key = key;
            this.lease = lease;
            this.etag = etag;
            this.job = job;
        }

        private void renew() {
            Optional<String> renewed = leases.renew(key, lease, etag);
            if (renewed.isEmpty()) {
                lost = true;
                LOG.warnf("lease %s was taken over: %s %s stops", LogSafe.text(key), job.kind().wireName(), LogSafe.text(job.id()));
                job.leaseLost("another worker took the lease over");
                future.cancel(false);
            } else {
                etag = renewed.get();
            }
        }

        /** Stops renewing and ends the lease in {@code state} unless it was lost (null: leave it as it is). */
        public void stop(Lease.State state) {
            future.cancel(false);
            synchronized (this) {
                if (!lost && state != null) {
                    leases.end(key, lease, etag, state);
                }
            }
        }
    }

    public Renewal start(String key, Lease lease, String etag, RunningJob job) {
        Renewal renewal = new Renewal(key, lease, etag, job);
        long every = config.lease().renewInterval().toMillis();
        synchronized (renewal) {
            renewal.future = scheduler.scheduleWithFixedDelay(() -> {
                synchronized (renewal) {
                    renewal.renew();
                }
            }, every, every, TimeUnit.MILLISECONDS);
        }
        return renewal;
    }

    @PreDestroy
    void close() {
        scheduler.shutdownNow();
    }
}
