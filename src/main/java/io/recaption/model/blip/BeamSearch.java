package io.recaption.model.blip;

import io.recaption.model.blip.GenerationSettings.EarlyStopping;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * transformers' beam search ({@code GenerationMixin._beam_search}, as vectorised in
 * transformers 5.18) for one sequence, step by step as the reference does it, in float32 like its tensors:
 * <ol>
 *   <li>each running beam's log-softmax plus its running score; the top 2·beams (beam, token)
 *       continuations of all beams together are kept — twice the beams so that enough remain
 *       running when some end;</li>
 *   <li>a continuation that appends the stop token or reaches the maximum length is finished; of
 *       the others the best {@code beams} run on (the cache is reordered to match);</li>
 *   <li>finished continuations among the top {@code beams} enter the finished set with score
 *       logp / (generated length)^lengthPenalty, which keeps its best {@code beams};</li>
 *   <li>search ends when no continuation can run on, when early stopping is TRUE and all finished
 *       slots are full, or when the best running beam divided by its length penalty can no longer
 *       beat the worst finished score (the reference's heuristic, judged at the current length, or at
 *       the maximum one for "never" with a positive penalty).</li>
 * </ol>
 * The best finished sequence is returned. The reference's −1e9 markers are kept as they are, so
 * its ordering of "impossible" candidates is the same.
 */
final class BeamSearch {

    private static final float IMPOSSIBLE = -1.0e9f;

    private BeamSearch() {}

    /** prompt ids (≥ 1) → the best finished caption: prompt + generated ids, the stop token included when reached. */
    static long[] run(long[] prompt, GenerationSettings settings, int maxLength, long stopToken, DecodingStep step) {
        int beams = settings.numBeams();
        int keep = 2 * beams; // max(2, 1 + number of stop tokens) · beams
        float penalty = (float) settings.lengthPenalty();
        int promptLength = prompt.length;
        long[][] running = new long[beams][];
        float[] runningScores = new float[beams];
        Arrays.fill(running, prompt);
        Arrays.fill(runningScores, 1, beams, IMPOSSIBLE); // only the first copy of the prompt may expand at first
        long[][] finished = new long[beams][];
        float[] finishedScores = new float[beams];
        boolean[] finishedReal = new boolean[beams];
        Arrays.fill(finishedScores, IMPOSSIBLE);
        boolean improvable = true;
        int length = promptLength;
        while (true) {
            float[][] logProbabilities = step.next(running, true);
            int vocabulary = logProbabilities[0].length;
            int[] top = topK(accumulate(logProbabilities, runningScores), keep); // flat (beam · V + token), best first
            long[][] candidates = new long[keep][];
            float[] candidateScores = new float[keep];
            boolean[] ends = new boolean[keep];
            int[] sourceBeam = new int[keep];
            for (int i = 0; i < keep; i++) {
                sourceBeam[i] = top[i] / vocabulary;
                int token = top[i] % vocabulary;
                candidates[i] = Arrays.copyOf(running[sourceBeam[i]], length + 1);
                candidates[i][length] = token;
                candidateScores[i] = logProbabilities[sourceBeam[i]][token] + runningScores[sourceBeam[i]];
                ends[i] = token == stopToken || length + 1 >= maxLength;
            }
            // e. the best unfinished continuations run on
            float[] runOn = new float[keep];
            for (int i = 0; i < keep; i++) {
                runOn[i] = candidateScores[i] + (ends[i] ? IMPOSSIBLE : 0f);
            }
            int[] next = topK(runOn, beams);
            long[] sources = new long[beams];
            for (int b = 0; b < beams; b++) {
                running[b] = candidates[next[b]];
                runningScores[b] = runOn[next[b]];
                sources[b] = sourceBeam[next[b]];
            }
            // f. finished continuations among the top `beams` compete for the finished slots
            boolean full = all(finishedReal) && settings.earlyStopping() == EarlyStopping.TRUE;
            float divisor = (float) Math.pow(length + 1 - promptLength, penalty);
            float[] merged = Arrays.copyOf(finishedScores, beams + keep);
            for (int i = 0; i < keep; i++) {
                float score = candidateScores[i] / divisor;
                score += full ? IMPOSSIBLE : 0f;
                score += improvable ? 0f : IMPOSSIBLE;
                score += ends[i] && i < beams ? 0f : IMPOSSIBLE;
                merged[beams + i] = score;
            }
            int[] best = topK(merged, beams);
            long[][] keptSequences = new long[beams][];
            boolean[] keptReal = new boolean[beams];
            for (int b = 0; b < beams; b++) {
                int from = best[b];
                keptSequences[b] = from < beams ? finished[from] : candidates[from - beams];
                keptReal[b] = from < beams ? finishedReal[from] : ends[from - beams] && from - beams < beams;
                finishedScores[b] = merged[from];
            }
            finished = keptSequences;
            finishedReal = keptReal;
            length++;
            improvable = improvable && improvable(runningScores[0], finishedScores, finishedReal, settings,
                    length - promptLength, maxLength - promptLength);
            boolean open = !(all(finishedReal) && settings.earlyStopping() == EarlyStopping.TRUE);
            boolean canContinue = !all(ends);
            if (!(improvable && open && canContinue)) {
                return finished[0] != null ? finished[0] : running[0]; // the first is always set: see the class doc
            }
            step.reorder(sources);
        }
    }

    /** The reference's {@code _check_early_stop_heuristic}: may the best running beam still beat a finished one? */
    private static boolean improvable(float bestRunning, float[] finishedScores, boolean[] finishedReal,
            GenerationSettings settings, int generated, int maxGenerated) {
        boolean longest = settings.earlyStopping() == EarlyStopping.NEVER && settings.lengthPenalty() > 0;
        float bestPossible = bestRunning / (float) Math.pow(longest ? maxGenerated : generated, settings.lengthPenalty());
        float worst = Float.POSITIVE_INFINITY;
        for (float score : finishedScores) {
            worst = Math.min(worst, score);
        }
        for (boolean real : finishedReal) {
            if (bestPossible > (real ? worst : IMPOSSIBLE)) {
                return true;
            }
        }
        return false;
    }

    /** [beams][V] log-probabilities plus each beam's running score, flattened beam-major, in float32. */
    private static float[] accumulate(float[][] logProbabilities, float[] runningScores) {
        int vocabulary = logProbabilities[0].length;
        float[] out = new float[logProbabilities.length * vocabulary];
        for (int b = 0; b < logProbabilities.length; b++) {
            for (int v = 0; v < vocabulary; v++) {
                out[b * vocabulary + v] = logProbabilities[b][v] + runningScores[b];
            }
        }
        return out;
    }

    /** Indices of the k largest values, largest first; equal values in index order. */
    static int[] topK(float[] values, int k) {
        return IntStream.range(0, values.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> values[i]).reversed().thenComparingInt(i -> i))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    private static boolean all(boolean[] flags) {
        for (boolean flag : flags) {
            if (!flag) {
                return false;
            }
        }
        return true;
    }
}
