package io.recaption.worker.engine;

import io.recaption.worker.JobInterrupted;

/**
 * How far a job is, as the engine reports it while it runs: a fraction 0..1 of the whole job (its phases weighted
 * by their UNet work) and the phase it is in, by the engine's label ({@code ddim-inversion}, {@code null-text},
 * {@code sampling}, …; null where an engine names none). The status carries both; the caption editor shows the
 * phase beside the bar. May throw a {@link JobInterrupted} (shutdown, a lost lease, the deadline).
 */
@FunctionalInterface
public interface JobProgress {

    void report(double fraction, String phase);
}
