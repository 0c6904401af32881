package io.recaption.worker;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The worker with the test engine and a real captioning model: the tiny random-weight BLIP fixture. */
public class CaptioningTestProfile extends WorkerTestProfile {

    /** The tiny BLIP snapshot of the test resources. */
    public static Path captioner() {
        try {
            return Path.of(CaptioningTestProfile.class.getResource("/blip/model/config.json").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("recaption.captioner.path", captioner().toString());
        return config;
    }
}
