package io.recaption.cli;

import picocli.CommandLine.Command;

/** The command tree; each sub-command is one class in this package. */
@Command(
        name = "recaption",
        mixinStandardHelpOptions = true,
        version = "recaption 0.1.0",
        description = "Edit real photographs by editing their captions (null-text inversion + Prompt-to-Prompt).",
        subcommands = {
            ServeCommand.class,
            WebCommand.class,
            DemoCommand.class,
            InvertCommand.class,
            EditCommand.class,
            RandomSnapshotCommand.class,
            BenchmarkCommand.class,
            ShapesSampleCommand.class,
            TrainCommand.class,
            EvaluateCommand.class,
            CaptionCommand.class,
            FetchModelCommand.class,
        })
public class RecaptionCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
