package io.recaption.worker;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one clock of the worker's decisions (lease expiry, deadlines, the edit's wait, storage retries, status
 * times): UTC system time in the service, a clock of the test's own in unit tests of the ladder.
 */
@ApplicationScoped
public class WorkerClock {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
