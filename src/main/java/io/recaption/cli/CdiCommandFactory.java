package io.recaption.cli;

import io.quarkus.arc.Arc;
import io.quarkus.arc.InstanceHandle;
import jakarta.enterprise.context.ApplicationScoped;
import picocli.CommandLine;

/** Lets picocli build commands (and their option converters) as CDI beans where they are beans. */
@ApplicationScoped
public class CdiCommandFactory implements CommandLine.IFactory {

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        InstanceHandle<K> handle = Arc.container().instance(cls);
        if (handle.isAvailable()) {
            return handle.get();
        }
        return CommandLine.defaultFactory().create(cls);
    }
}
