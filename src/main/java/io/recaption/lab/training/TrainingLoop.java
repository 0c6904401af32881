package io.recaption.lab.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs steps of an {@link Objective}: each step in its own memory scope and its own gradient collector
 * (forward, loss, backward), then an {@link AdamW} update with autograd off. Saves a checkpoint every
 * {@code checkpointEvery} steps and after the last, prints the loss every {@code logEvery} steps with the
 * steps per second.
 *
 * @param warmupSteps the learning rate rises linearly over these first steps (Adam's early moments are noisy)
 * @param decaySteps after the warmup the rate follows a half cosine from {@code learningRate} to zero at this
 *     step (Loshchilov &amp; Hutter, SGDR, 2017, without restarts; BLIP's fine-tuning schedule); 0 keeps it constant
 */
public record TrainingLoop(String stage, double learningRate, int warmupSteps, int checkpointEvery, int logEvery,
        long decaySteps) {

    /** A constant rate after the warmup. */
    public TrainingLoop(String stage, double learningRate, int warmupSteps, int checkpointEvery, int logEvery) {
        this(stage, learningRate, warmupSteps, checkpointEvery, logEvery, 0);
    }

    /** The learning rate of step {@code step} (0-based). */
    public double rate(long step) {
        double warm = Math.min(1.0, (step + 1) / (double) Math.max(1, warmupSteps));
        if (decaySteps <= 0) {
            return learningRate * warm;
        }
        double progress = Math.min(1.0, step / (double) decaySteps);
        return learningRate * warm * 0.5 * (1 + Math.cos(Math.PI * progress));
    }

    /** Losses of the steps run, and how long they took. */
    public record Result(List<Double> losses, double seconds) {
        public double stepsPerSecond() {
            return losses.size() / seconds;
        }
    }

    /** Runs steps {@code from} … {@code to − 1}; {@code checkpoints} may be null (no saving). */
    public Result run(Objective objective, AdamW optimizer, long from, long to, Checkpoints checkpoints,
            NDManager parent, PrintStream log) throws IOException {
        Engine engine = Engine.getInstance();
        List<Double> losses = new ArrayList<>();
        long start = System.nanoTime();
        long windowStart = start;
        double windowLoss = 0;
        int windowSteps = 0;
        for (long step = from; step < to; step++) {
            double loss;
            try (NDManager scope = parent.newSubManager()) {
                try (GradientCollector collector = engine.newGradientCollector()) {
                    NDArray value = objective.loss(step, scope);
                    collector.backward(value);
                    loss = value.getFloat();
                }
                if (!Double.isFinite(loss)) {
                    throw new IllegalStateException(stage + " step " + step + ": loss is " + loss);
                }
                optimizer.step(objective.parameters(), rate(step));
            }
            losses.add(loss);
            windowLoss += loss;
            windowSteps++;
            long done = step + 1;
            if (log != null && (done % logEvery == 0 || done == to)) {
                long now = System.nanoTime();
                log.printf("%s step %d/%d  loss %.5f  %.2f steps/s%n", stage, done, to, windowLoss / windowSteps,
                        windowSteps / ((now - windowStart) / 1e9));
                windowStart = now;
                windowLoss = 0;
                windowSteps = 0;
            }
            if (checkpoints != null && (done % checkpointEvery == 0 || done == to)) {
                checkpoints.save(stage, done, objective.parameters(), optimizer);
            }
        }
        return new Result(losses, (System.nanoTime() - start) / 1e9);
    }
}
