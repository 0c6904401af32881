package io.recaption.protocol;

import io.recaption.inversion.InversionMethod;

/**
 * The {@code options} of an inversion request, defaults filled in from {@code recaption.inversion.*} and
 * validated by the worker: {@code steps} in 1..limit, {@code guidanceScale} finite in 0..limit,
 * {@code innerSteps} in 0..limit, {@code earlyStopEpsilon} finite in 0..1.
 *
 * @param truncateCaption cut a caption longer than the text encoder's context instead of failing with
 *     {@link ErrorCode#CAPTION_TOO_LONG}
 */
public record InversionOptions(
        InversionMethod method,
        int steps,
        double guidanceScale,
        int innerSteps,
        double earlyStopEpsilon,
        boolean truncateCaption) {}
