package io.recaption.web;

import io.recaption.worker.CaptioningTestProfile;
import java.util.HashMap;
import java.util.Map;

/** The editor told that the workers caption (recaption.web.model-captions), and its in-app worker given the tiny BLIP. */
public class WebModelCaptionsTestProfile extends WebTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("recaption.web.model-captions", "true");
        config.put("recaption.captioner.path", CaptioningTestProfile.captioner().toString());
        return config;
    }
}
