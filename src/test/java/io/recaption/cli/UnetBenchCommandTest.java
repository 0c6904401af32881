package io.recaption.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.recaption.Fixtures;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The bench runs on the tiny model and prints its figures (which are reported, never asserted). */
@Tag("unit")
class UnetBenchCommandTest {

    @Test
    void printsTheFiguresOfBothRuns() {
        StringWriter text = new StringWriter();
        CommandLine command = new CommandLine(new RecaptionCommand());
        command.setOut(new PrintWriter(text));
        int exit = command.execute("unet-bench", "--model", Fixtures.tinySd().toString(), "--batch", "1",
                "--iterations", "1", "--warmup", "0", "--height", "16", "--width", "24");
        String output = text.toString();
        System.out.print(output);
        assertEquals(0, exit, output);
        assertTrue(output.contains("latent 16×24, batch 1"), output);
        assertTrue(output.contains("forward (no grad)") && output.contains("forward+backward to context"), output);
        assertTrue(output.matches("(?s).*parameters [0-9,]+, loaded in.*"), output);
    }

    @Test
    void refusesZeroIterations() {
        CommandLine command = new CommandLine(new RecaptionCommand());
        command.setErr(new PrintWriter(new StringWriter()));
        assertEquals(2, command.execute("unet-bench", "--model", Fixtures.tinySd().toString(), "--iterations", "0"));
    }
}
