package io.recaption.model.blip;

/** One forward pass of the caption decoder during generation, as the search algorithms see it. */
interface DecodingStep {

    /**
     * The next-token scores of each row: raw logits, or their log-softmax when {@code logProbabilities}.
     *
     * @param rows the full token sequences decoded so far, one per row, all of one length
     * @return [rows][vocabulary]
     */
    float[][] next(long[][] rows, boolean logProbabilities);

    /** Beam search moved rows: row i now continues what row {@code sources[i]} was (reorder any cache). */
    void reorder(long[] sources);
}
