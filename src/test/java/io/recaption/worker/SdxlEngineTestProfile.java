package io.recaption.worker;

import io.recaption.Fixtures;
import java.util.HashMap;
import java.util.Map;

/** The worker with its real engine on the tiny SDXL snapshot (the published layout), against the shared local stack. */
public class SdxlEngineTestProfile extends RealEngineTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("recaption.model.path", Fixtures.tinySdxl().toString());
        return config;
    }
}
