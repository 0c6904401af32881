package io.recaption.model.blip;

import java.util.Arrays;

/**
 * transformers' greedy decoding ({@code _sample} with {@code do_sample=False}) for one sequence:
 * append the arg-max of the next-token logits until the stop token has been appended or the
 * sequence holds {@code maxLength} tokens. No logits processors (BLIP's generation config sets
 * none), so the arg-max of the logits is that of the scores.
 */
final class GreedySearch {

    private GreedySearch() {}

    /** prompt ids (≥ 1) → prompt + generated ids, the stop token included when reached. */
    static long[] run(long[] prompt, int maxLength, long stopToken, DecodingStep step) {
        long[] ids = prompt.clone();
        while (ids.length < maxLength) {
            float[] logits = step.next(new long[][] {ids}, false)[0];
            long token = argMax(logits);
            ids = Arrays.copyOf(ids, ids.length + 1);
            ids[ids.length - 1] = token;
            if (token == stopToken) {
                break;
            }
        }
        return ids;
    }

    /** The first index of the largest value, as {@code torch.argmax} returns on ties. */
    static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
