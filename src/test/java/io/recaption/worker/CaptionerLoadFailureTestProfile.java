package io.recaption.worker;

import java.util.HashMap;
import java.util.Map;

/** The worker with a captioner that cannot be loaded (no such folder), kept alive to report it. */
public class CaptionerLoadFailureTestProfile extends WorkerTestProfile {

    public static final String MISSING = "target/no-such-captioner";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("recaption.captioner.path", MISSING);
        config.put("recaption.model.exit-on-load-failure", "false");
        return config;
    }
}
