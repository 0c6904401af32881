package io.recaption.model.blip;

/**
 * What a caption request asks for, checked once, here.
 *
 * @param prompt text the caption must continue ("a picture of"), or empty for none; null is empty
 * @param maxNewTokens tokens generated after the prompt at most (the stop token counts)
 * @param beams 1 for greedy decoding, more for beam search
 */
public record CaptionOptions(String prompt, int maxNewTokens, int beams) {

    /** Enough for any caption: BLIP's decoder has 512 positions, and its captions are a dozen words. */
    public static final int MAX_NEW_TOKENS = 256;
    public static final int MAX_BEAMS = 16;

    public CaptionOptions {
        prompt = prompt == null ? "" : prompt.strip();
        if (maxNewTokens < 1 || maxNewTokens > MAX_NEW_TOKENS) {
            throw new IllegalArgumentException("max new tokens must lie in 1…" + MAX_NEW_TOKENS + ", found " + maxNewTokens);
        }
        if (beams < 1 || beams > MAX_BEAMS) {
            throw new IllegalArgumentException("beams must lie in 1…" + MAX_BEAMS + ", found " + beams);
        }
    }

    /** Unprompted greedy captions of at most 20 tokens, as transformers' default {@code max_length} of 20. */
    public static CaptionOptions defaults() {
        return new CaptionOptions("", 20, 1);
    }

    public boolean prompted() {
        return !prompt.isEmpty();
    }
}
