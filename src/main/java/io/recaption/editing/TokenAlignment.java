package io.recaption.editing;

/**
 * The token mappers of Prompt-to-Prompt (Hertz et al. 2022, §3.2).
 *
 * <p>{@link #refinement}: for added words, a global (Needleman–Wunsch) alignment of the two token
 * sequences with match +1, mismatch −1 and gap 0, ties broken as the reference implementation does
 * (insertion in the edited sequence first, then deletion, then the diagonal). Each edited token that
 * is aligned to a source token reads that token's attention map; new tokens keep their own.
 *
 * <p>{@link #replacement}: for a word swap with equal word counts, a [L, L] matrix M with edited maps
 * = source maps · M: swapped words map 1:1 when their token counts agree, otherwise every source
 * token of the word spreads 1/len over the edited word's tokens; other tokens map to themselves.
 */
public final class TokenAlignment {

    private TokenAlignment() {}

    /** For every edited position p &lt; L: the source position it reads, and whether it reads one (alpha 1) or keeps its own (0). */
    public record Refinement(int[] mapper, float[] alphas) {}

    /**
     * source and edited: full token sequences with start and end tokens, without padding.
     */
    public static Refinement refinement(int[] source, int[] edited, int maxLength) {
        int n = source.length;
        int m = edited.length;
        int[][] score = new int[n + 1][m + 1];
        int[][] trace = new int[n + 1][m + 1];
        final int left = 1;
        final int up = 2;
        final int diagonal = 3;
        final int origin = 4;
        for (int j = 1; j <= m; j++) {
            trace[0][j] = left;
        }
        for (int i = 1; i <= n; i++) {
            trace[i][0] = up;
        }
        trace[0][0] = origin;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int fromLeft = score[i][j - 1];
                int fromUp = score[i - 1][j];
                int fromDiagonal = score[i - 1][j - 1] + (source[i - 1] == edited[j - 1] ? 1 : -1);
                int best = Math.max(fromLeft, Math.max(fromUp, fromDiagonal));
                score[i][j] = best;
                trace[i][j] = best == fromLeft ? left : best == fromUp ? up : diagonal;
            }
        }
        int[] editedToSource = new int[m];
        int i = n;
        int j = m;
        while (i > 0 || j > 0) {
            int step = trace[i][j];
            if (step == diagonal) {
                i--;
                j--;
                editedToSource[j] = i;
            } else if (step == left) {
                j--;
                editedToSource[j] = -1;
            } else if (step == up) {
                i--;
            } else {
                break;
            }
        }
        int[] mapper = new int[maxLength];
        float[] alphas = new float[maxLength];
        for (int p = 0; p < maxLength; p++) {
            if (p < m) {
                // An unaligned token reads nothing (alpha 0); its index is only a placeholder.
                mapper[p] = editedToSource[p] >= 0 ? editedToSource[p] : maxLength - 1;
                alphas[p] = editedToSource[p] >= 0 ? 1f : 0f;
            } else {
                mapper[p] = p;
                alphas[p] = 1f;
            }
        }
        return new Refinement(mapper, alphas);
    }

    /**
     * The word-swap mapper [L][L] (row: source position, column: edited position).
     *
     * @param sourceSpans token spans [start, end) of the swapped words in the source, in order
     * @param editedSpans the same words' spans in the edited caption
     */
    public static float[][] replacement(int[][] sourceSpans, int[][] editedSpans, int maxLength) {
        float[][] mapper = new float[maxLength][maxLength];
        int i = 0;
        int j = 0;
        int word = 0;
        while (i < maxLength && j < maxLength) {
            if (word < sourceSpans.length && sourceSpans[word][0] == i) {
                int[] s = sourceSpans[word];
                int[] e = editedSpans[word];
                int sourceCount = s[1] - s[0];
                int editedCount = e[1] - e[0];
                if (sourceCount == editedCount) {
                    for (int k = 0; k < sourceCount; k++) {
                        set(mapper, s[0] + k, e[0] + k, 1f, maxLength);
                    }
                } else {
                    float ratio = 1f / editedCount;
                    for (int a = s[0]; a < s[1]; a++) {
                        for (int b = e[0]; b < e[1]; b++) {
                            set(mapper, a, b, ratio, maxLength);
                        }
                    }
                }
                word++;
                i += sourceCount;
                j += editedCount;
            } else {
                // The reference writes M[j][j] once all swapped words are passed, which misaligns the
                // tail when the token counts differ; M[i][j] keeps each unchanged token on its own map.
                mapper[i][j] = 1f;
                i++;
                j++;
            }
        }
        return mapper;
    }

    private static void set(float[][] mapper, int row, int column, float value, int maxLength) {
        if (row < maxLength && column < maxLength) {
            mapper[row][column] = value;
        }
    }
}
