package io.recaption.worker.testengine;

import io.recaption.worker.ladder.JobMilestone;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds the jobs whose ids match {@code recaption-test.faults.pause-ids} for {@code recaption-test.faults.pause}
 * at the milestones named in {@code recaption-test.faults.points}: the windows between publishing a manifest
 * and publishing its event, or between the event and the commit, opened wide enough for a test to kill the
 * worker inside them. Inactive unless configured.
 */
@ApplicationScoped
public class FaultWindows {

    private static final Logger LOG = Logger.getLogger(FaultWindows.class);

    private final Optional<Pattern> ids;
    private final Duration pause;
    private final List<String> points;

    public FaultWindows(
            @ConfigProperty(name = "recaption-test.faults.pause-ids") Optional<String> ids,
            @ConfigProperty(name = "recaption-test.faults.pause", defaultValue = "PT0S") Duration pause,
            @ConfigProperty(name = "recaption-test.faults.points", defaultValue = "MANIFEST_PUBLISHED,EVENT_PUBLISHED")
                    List<String> points) {
        this.ids = ids.filter(s -> !s.isBlank()).map(Pattern::compile);
        this.pause = pause;
        this.points = points;
    }

    void onMilestone(@Observes JobMilestone milestone) {
        if (ids.isEmpty() || pause.isZero() || !points.contains(milestone.point().name())
                || !ids.get().matcher(milestone.id()).matches()) {
            return;
        }
        LOG.infof("fault window: %s %s held %s at %s", milestone.kind().wireName(), milestone.id(), pause, milestone.point());
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
