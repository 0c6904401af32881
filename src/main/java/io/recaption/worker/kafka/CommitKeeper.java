package io.recaption.worker.kafka;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Makes sure every acknowledged record gets committed. SmallRye's {@code throttled} strategy drops the offsets
 * of a periodic commit that fails (a rebalance or a broker restart in progress: "it will be re-attempted") and
 * commits again only when a later record of that partition is processed; a partition whose last records were
 * processed then keeps a lag for good — a restarted consumer redoes them, and KEDA, seeing lag, never scales to
 * zero. Every {@value #EVERY_SECONDS} s this keeper compares, on each channel's polling thread, the committed
 * offset of each partition the consumer owns with the offset after the last record this worker acknowledged
 * there, and commits the difference.
 */
@ApplicationScoped
public class CommitKeeper {

    static final int EVERY_SECONDS = 5;
    private static final Logger LOG = Logger.getLogger(CommitKeeper.class);
    private static final List<String> CHANNELS = List.of("inversion-requests", "edit-requests");
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClientService clients;
    private final Map<TopicPartition, Long> acknowledged = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "recaption-commit-keeper");
        thread.setDaemon(true);
        return thread;
    });

    public CommitKeeper(KafkaClientService clients) {
        this.clients = clients;
    }

    void onStart(@Observes StartupEvent event) {
        scheduler.scheduleWithFixedDelay(this::commitWhatWasDropped, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
    }

    /** {@code done} (an ack, or a dead letter sent) completes: the record's offset is processed. */
    CompletionStage<Void> track(Message<?> message, CompletionStage<Void> done) {
        message.getMetadata(IncomingKafkaRecordMetadata.class).ifPresent(record -> done.thenRun(() -> acknowledged.merge(
                new TopicPartition(record.getTopic(), record.getPartition()), record.getOffset() + 1, Math::max)));
        return done;
    }

    void commitWhatWasDropped() {
        for (String channel : CHANNELS) {
            try {
                KafkaConsumer<Object, Object> consumer = clients.getConsumer(channel);
                if (consumer != null) {
                    consumer.runOnPollingThread(c -> {
                        Set<TopicPartition> owned = c.assignment();
                        if (owned.isEmpty()) {
                            return;
                        }
                        Map<TopicPartition, OffsetAndMetadata> committed = c.committed(owned, CALL_TIMEOUT);
                        Map<TopicPartition, OffsetAndMetadata> due = new HashMap<>();
                        for (TopicPartition partition : owned) {
                            Long ours = acknowledged.get(partition);
                            OffsetAndMetadata theirs = committed.get(partition);
                            if (ours != null && (theirs == null || theirs.offset() < ours)) {
                                due.put(partition, new OffsetAndMetadata(ours));
                            }
                        }
                        if (!due.isEmpty()) {
                            c.commitSync(due, CALL_TIMEOUT);
                            LOG.infof("committed acknowledged offsets a dropped commit had left behind: %s", due);
                        }
                    }).await().atMost(CALL_TIMEOUT.plusSeconds(5));
                }
            } catch (RuntimeException e) {
                LOG.debugf("channel %s: offsets not checked now: %s", channel, e.getMessage());
            }
        }
    }
}
