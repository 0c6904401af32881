package io.recaption.protocol;

import java.util.List;
import java.util.Map;

/**
 * Requests as read from the wire (DESIGN §5): shape and field types checked, values not yet; absent optional
 * fields are null. {@link RequestValidator} turns them into jobs. {@code owner} is who asked (the caption editor sets
 * the caller it authenticated; DESIGN §5): null for a request without one.
 */
public final class WireRequests {

    private WireRequests() {}

    public record Inversion(
            String requestId,
            String imageBucket,
            String imageKey,
            String caption,
            String method,
            Double steps,
            Double guidanceScale,
            Double innerSteps,
            Double earlyStopEpsilon,
            Boolean truncateCaption,
            String owner) {}

    public record Edit(
            String editId,
            String inversionId,
            String caption,
            Map<String, Double> emphasis,
            List<String> localBlend,
            List<String> localBlendExcept,
            Double crossReplaceSteps,
            Double selfReplaceSteps,
            String owner) {}
}
