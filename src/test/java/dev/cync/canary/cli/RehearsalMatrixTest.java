package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.rollout.RolloutPlan;
import dev.cync.canary.slo.SloSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code rehearse --matrix}: the shipped scenarios behave as they declare; a mismatch fails the command. */
class RehearsalMatrixTest {

    @TempDir
    Path dir;

    @Test
    @Tag("slow")
    @SuppressWarnings("unchecked")
    void everyShippedScenarioBehavesAsItDeclares() throws Exception {
        Map<String, Object> m =
                RehearsalMatrix.run(RolloutPlan.load(null), SloSpec.load(null), Path.of("config/scenarios/matrix"), 3);
        List<Map<String, Object>> rows = (List<Map<String, Object>>) m.get("scenarios");
        assertThat(rows)
                .extracting(r -> r.get("scenario"))
                .contains(
                        "healthy-10000",
                        "healthy-1000",
                        "healthy-60",
                        "new-failing-60",
                        "fault-after-complete",
                        "quiet-day",
                        "ten-days-no-traffic");
        assertThat(rows)
                .allSatisfy(r -> assertThat(r.get("mismatches"))
                        .as((String) r.get("scenario"))
                        .isEqualTo(List.of()));
        assertThat(m.get("ok")).isEqualTo(true);
    }

    @Test
    void aScenarioThatDoesNotBehaveAsDeclaredMakesTheCommandFail() throws Exception {
        // A healthy small fleet declared as faulty: no rollback comes, so the matrix reports a mismatch and exits 1.
        Files.writeString(dir.resolve("wrong.yaml"), """
                expect: { rollback_within: 30m }
                duration: 3d
                devices: 20
                commandsPerDevicePerHour: 1
                transports:
                  legacy: { success: 0.995,  latencyMs: { p50: 80, p99: 400 } }
                  new:    { success: 0.9997, latencyMs: { p50: 60, p99: 300 } }
                faults:
                  - { transport: new, from: 1d, success: 0.9997 }
                """);
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new RehearseCommand());
        cl.setOut(new PrintWriter(out));
        int code = cl.execute("--matrix", dir.toString(), "--seeds", "1");
        assertThat(code).isEqualTo(1);
        assertThat(out.toString())
                .contains("wrong")
                .contains("MISMATCH")
                .contains("no rollback after the fault at 1d0h");
    }
}
