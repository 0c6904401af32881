package io.recaption.worker;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Starts loading the model as the worker starts, rather than at the first readiness probe. */
@ApplicationScoped
public class ModelPreloader {

    @Inject
    JobEngine engine;

    /** Off for the local commands ({@code cli} profile), which load their own model. */
    @ConfigProperty(name = "recaption.model.preload", defaultValue = "true")
    boolean preload;

    void onStart(@Observes StartupEvent event) {
        if (preload) {
            engine.ready();
        }
    }
}
