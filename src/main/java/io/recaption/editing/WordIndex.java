package io.recaption.editing;

import io.recaption.model.clip.ClipTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where each word of a caption lies in token space (Prompt-to-Prompt's {@code get_word_inds}):
 * the caption is split on whitespace, each word's BPE tokens are counted, and position 0 is the
 * start token. CLIP's pre-tokenizer never merges across whitespace, so counting a word's tokens on
 * its own gives its span inside the whole caption. Words are matched ignoring case and surrounding
 * punctuation ("Mirror." matches "mirror").
 */
public final class WordIndex {

    /** One word: its text, its normalised form, and its token positions [start, end). */
    public record Word(String text, String key, int start, int end) {}

    private final List<Word> words;
    private final int maxLength;

    public WordIndex(ClipTokenizer tokenizer, String caption) {
        this.maxLength = tokenizer.maxLength();
        List<Word> out = new ArrayList<>();
        int position = 1;
        for (String word : split(caption)) {
            int count = tokenizer.bpe(word).size();
            out.add(new Word(word, normalize(word), position, position + count));
            position += count;
        }
        this.words = List.copyOf(out);
    }

    /** The caption's words as Prompt-to-Prompt sees them: split on runs of whitespace. */
    public static List<String> split(String caption) {
        String trimmed = caption.trim();
        return trimmed.isEmpty() ? List.of() : List.of(trimmed.split("\\s+"));
    }

    /** Lower case without leading or trailing punctuation. */
    public static String normalize(String word) {
        return word.toLowerCase(Locale.ROOT).replaceAll("^[\\p{P}\\p{S}]+|[\\p{P}\\p{S}]+$", "");
    }

    public List<Word> words() {
        return words;
    }

    /** Token positions of word number {@code index} that fit in the text encoder's window (before the end token). */
    public int[] positionsOf(int index) {
        Word word = words.get(index);
        int end = Math.min(word.end(), maxLength - 1);
        int start = Math.min(word.start(), end);
        int[] out = new int[end - start];
        for (int i = 0; i < out.length; i++) {
            out[i] = start + i;
        }
        return out;
    }

    /** Token positions of every occurrence of {@code word}; empty when the caption does not have it. */
    public int[] positionsOf(String word) {
        String key = normalize(word);
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).key().equals(key)) {
                for (int p : positionsOf(i)) {
                    out.add(p);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
