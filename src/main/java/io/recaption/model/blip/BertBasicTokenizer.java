package io.recaption.model.blip;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * BERT's text clean-up and word split, as the Hugging Face tokenizers library does it for
 * transformers 5's {@code BertTokenizer} ({@code BertNormalizer}, then {@code BertPreTokenizer}):
 * <ol>
 *   <li>clean: drop NUL, U+FFFD and "other" characters (Unicode Cc, Cf, Cs, Co, Cn) except tab,
 *       newline and return; turn every whitespace character into a space;</li>
 *   <li>CJK: put spaces around each CJK ideograph, so that each is a word (the library's ranges,
 *       whose Extension E starts at U+2B920 where Python BERT's starts at U+2B820);</li>
 *   <li>strip accents (when configured, by default when lower-casing): NFD, then drop non-spacing
 *       marks (Mn);</li>
 *   <li>lower-case each character on its own (no final-sigma context; İ becomes i + U+0307 when
 *       accents are kept);</li>
 *   <li>split on whitespace, then isolate each punctuation character — ASCII punctuation (which
 *       includes $ + &lt; = &gt; ^ ` | ~) or any Unicode P* character — as a word of its own.</li>
 * </ol>
 */
final class BertBasicTokenizer {

    private final boolean lowerCase;
    private final boolean stripAccents;
    private final boolean chineseChars;

    BertBasicTokenizer(BertTokenizerConfig config) {
        this.lowerCase = config.doLowerCase();
        this.stripAccents = config.stripsAccents();
        this.chineseChars = config.tokenizeChineseChars();
    }

    /** Text → words, ready for WordPiece. */
    List<String> words(String text) {
        return split(normalize(text));
    }

    String normalize(String text) {
        StringBuilder cleaned = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
            }
            int kept = isWhitespace(c) ? ' ' : c;
            if (chineseChars && isChinese(kept)) {
                cleaned.append(' ').appendCodePoint(kept).append(' ');
            } else {
                cleaned.appendCodePoint(kept);
            }
        });
        String out = cleaned.toString();
        if (stripAccents) {
            StringBuilder stripped = new StringBuilder(out.length());
            Normalizer.normalize(out, Normalizer.Form.NFD).codePoints()
                    .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
                    .forEach(stripped::appendCodePoint);
            out = stripped.toString();
        }
        if (lowerCase) {
            StringBuilder lowered = new StringBuilder(out.length());
            out.codePoints().forEach(c -> lowered.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT)));
            out = lowered.toString();
        }
        return out;
    }

    private static List<String> split(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (isWhitespace(c) || isPunctuation(c)) {
                if (current.length() > 0) {
                    words.add(current.toString());
                    current.setLength(0);
                }
                if (!isWhitespace(c)) {
                    words.add(new String(Character.toChars(c)));
                }
            } else {
                current.appendCodePoint(c);
            }
        });
        if (current.length() > 0) {
            words.add(current.toString());
        }
        return words;
    }

    /** The Unicode White_Space property (Rust's {@code char::is_whitespace}). */
    static boolean isWhitespace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** Unicode "other" (Cc, Cf, Cs, Co, Cn), tab, newline and return excepted: they are whitespace. */
    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.SURROGATE
                || type == Character.PRIVATE_USE || type == Character.UNASSIGNED;
    }

    private static boolean isPunctuation(int c) {
        if (c < 0x80) {
            return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60)
                    || (c >= 0x7B && c <= 0x7E);
        }
        return switch (Character.getType(c)) {
            case Character.CONNECTOR_PUNCTUATION, Character.DASH_PUNCTUATION, Character.START_PUNCTUATION,
                    Character.END_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                    Character.FINAL_QUOTE_PUNCTUATION, Character.OTHER_PUNCTUATION -> true;
            default -> false;
        };
    }

    private static boolean isChinese(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
    }
}
