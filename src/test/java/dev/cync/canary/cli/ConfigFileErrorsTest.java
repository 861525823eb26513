package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** A bad SLO file or plan given to a command is one line naming the file and the key, and exit status 2. */
class ConfigFileErrorsTest {

    @TempDir
    Path dir;

    private String[] run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new StringWriter(), true));
        int status = cl.execute(args);
        return new String[] {String.valueOf(status), err.toString()};
    }

    @Test
    void generateWithAnUnknownKeyInTheSloFile() throws Exception {
        Path slo = Files.writeString(
                dir.resolve("slo.yaml"),
                Files.readString(Path.of("config/slo.yaml")).replace("minEvents: 100", "minEvent: 100"));
        String[] r = run(
                "generate",
                "monitoring",
                "--slo",
                slo.toString(),
                "--out",
                dir.resolve("out").toString());
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1])
                .isEqualTo("cync-canary generate: " + slo + ": unknown setting minEvent; the settings here are: mode,"
                        + " minEvents, significance, objectives, autoRollback" + System.lineSeparator());
    }

    @Test
    void rehearseWithAPercentageOutOfRangeInThePlan() throws Exception {
        Path plan = Files.writeString(
                dir.resolve("plan.yaml"),
                Files.readString(Path.of("config/plans/phase2.yaml")).replace("percentage: 10\n", "percentage: 150\n"));
        String[] r = run("rehearse", "--plan", plan.toString(), "--duration", "1h");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1])
                .isEqualTo("cync-canary rehearse: " + plan + ": stages[1].percentage: must be a number from 0 to 100"
                        + " (percent), got 150" + System.lineSeparator());
    }
}
