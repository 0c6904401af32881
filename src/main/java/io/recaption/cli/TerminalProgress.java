package io.recaption.cli;

import io.recaption.diffusion.Phase;
import io.recaption.diffusion.ProgressListener;
import java.io.PrintStream;

/** Progress of long commands on the terminal: one line per step, with the loss where there is one. */
final class TerminalProgress implements ProgressListener {

    private final PrintStream out;

    TerminalProgress(PrintStream out) {
        this.out = out;
    }

    @Override
    public void onStep(Phase phase, int step, int total, double loss) {
        String lossText = Double.isNaN(loss) ? "" : String.format("  loss %.3e", loss);
        out.printf("%-18s step %3d of %d%s%n", phase.label(), step, total, lossText);
        out.flush();
    }
}
