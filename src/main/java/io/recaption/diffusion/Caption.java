package io.recaption.diffusion;

import io.recaption.model.clip.ClipTokenizer;

/**
 * A caption and its padded token ids. Captions longer than the text encoder's window are refused
 * unless truncation is asked for, and then it is reported ({@link #truncated()}), never silent.
 */
public record Caption(String text, int[] ids, int tokenCount, boolean truncated) {

    public static Caption of(ClipTokenizer tokenizer, String text, boolean allowTruncation) {
        if (text == null) {
            throw new InputRejectedException(Refusal.EMPTY_CAPTION, "the caption is missing");
        }
        ClipTokenizer.Tokenized tokens = tokenizer.tokenize(text);
        if (tokens.truncated() && !allowTruncation) {
            throw new InputRejectedException(Refusal.CAPTION_TOO_LONG, "the caption has " + tokens.length()
                    + " tokens with start and end markers; the text encoder takes at most " + tokenizer.maxLength()
                    + " (ask for truncation to cut it)");
        }
        return new Caption(text, tokens.ids(), Math.min(tokens.length(), tokenizer.maxLength()), tokens.truncated());
    }
}
