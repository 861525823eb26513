package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The long-running commands, run for real for a few seconds each. */
@Tag("slow")
class CommandsTest {

    @TempDir
    Path state;

    @Test
    void demoPrintsASummaryPerTransportAndStopsByItself() {
        CaptureCommandTest.Run r = CaptureCommandTest.run(
                "demo",
                "--devices",
                "50",
                "--rate",
                "100",
                "--duration",
                "4s",
                "--summary-every",
                "1s",
                "--http-port",
                "0",
                "--device-port",
                "0",
                "--tls-port",
                "-1",
                "--state-dir",
                state.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out())
                .contains("demo: 50 simulated devices")
                .contains(" legacy ")
                .contains(" new ")
                .contains("success 100.00%")
                .contains("demo: stopped after");
    }

    @Test
    void benchReportsEveryArmAndItsAccountingAsJson() throws Exception {
        CaptureCommandTest.Run r = CaptureCommandTest.run(
                "bench",
                "--devices",
                "50",
                "--commands",
                "2000",
                "--rate",
                "2000",
                "--json",
                "--state-dir",
                state.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("accounting_ok").asBoolean()).isTrue();
        assertThat(j.get("arms")).hasSize(3);
        for (JsonNode arm : j.get("arms")) {
            assertThat(arm.fieldNames())
                    .toIterable()
                    .contains(
                            "commands",
                            "succeeded",
                            "failed_by_reason",
                            "in_flight_at_end",
                            "throughput_per_s",
                            "latency_ms",
                            "retransmit_rate",
                            "duplicate_applications",
                            "queue_full");
            assertThat(arm.get("latency_ms").fieldNames()).toIterable().contains("p50", "p95", "p99", "p999", "max");
            assertThat(arm.get("commands").asLong()).isEqualTo(2000);
            assertThat(arm.get("succeeded").asLong()).isEqualTo(2000);
        }
        assertThat(j.get("ratios").fieldNames())
                .toIterable()
                .contains("reliable_vs_raw_throughput", "reliable_vs_legacy_throughput");
    }

    @Test
    void benchWithTheFleetInAChildProcessMeasuresTheControllerAlone() throws Exception {
        CaptureCommandTest.Run r = CaptureCommandTest.run(
                "bench",
                "--devices",
                "30",
                "--commands",
                "600",
                "--warmup",
                "100",
                "--rate",
                "600",
                "--arms",
                "legacy,reliable",
                "--fleet-process",
                "--json",
                "--state-dir",
                state.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode j = Json.mapper().readTree(r.out());
        assertThat(j.get("fleet").asText()).isEqualTo("child process");
        assertThat(j.get("accounting_ok").asBoolean()).isTrue();
        for (JsonNode arm : j.get("arms")) {
            // Every command resolved and was counted; on a loaded machine a few may time out.
            assertThat(arm.get("commands").asLong()).isEqualTo(600);
            assertThat(arm.get("succeeded").asLong()).as(arm.toString()).isGreaterThanOrEqualTo(590);
            // The child's duplicate counts stay in the child: unknown here, never a made-up zero.
            assertThat(arm.get("duplicate_applications").isNull()).isTrue();
            assertThat(arm.get("cpu_us_per_command").asDouble()).isPositive();
        }
    }

    @Test
    void invalidFlagValuesAreOneClearLineAndStatus2() {
        CaptureCommandTest.Run r = CaptureCommandTest.run(
                "bench", "--loss", "1.5", "--devices", "5", "--commands", "10", "--state-dir", state.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err())
                .isEqualTo("cync-canary bench: --loss: must be between 0.0 and 1.0, got 1.5" + System.lineSeparator());
        CaptureCommandTest.Run d =
                CaptureCommandTest.run("bench", "--partition-at", "soon", "--state-dir", state.toString());
        assertThat(d.status()).isEqualTo(2);
        assertThat(d.err()).contains("--partition-at: 'soon' is not a duration");
    }
}
