package io.recaption.worker;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Starts loading the model as the worker starts, rather than at the first readiness probe. */
@ApplicationScoped
public class ModelPreloader {

    @Inject
    JobEngine engine;

    @Inject
    RecaptionConfig config;

    void onStart(@Observes StartupEvent event) {
        if (config.model().preload()) {
            engine.ready();
        }
    }
}
