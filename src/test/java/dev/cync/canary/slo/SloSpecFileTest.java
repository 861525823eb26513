package dev.cync.canary.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SLO file is read strictly: the shipped one loads to exactly these values (the monitoring is
 * generated from them), and each kind of mistake is refused with one line naming the file and the key.
 */
class SloSpecFileTest {

    static final Path SHIPPED = Path.of("config/slo.yaml");

    static final SloSpec EXPECTED = new SloSpec(
            "field",
            100,
            List.of(
                    new Objective(
                            "toggle_success_rate",
                            "Commands the device acknowledged before the deadline",
                            Objective.Kind.SUCCESS,
                            999_000,
                            Duration.ofDays(30),
                            null),
                    new Objective(
                            "toggle_latency",
                            "Commands acknowledged within the latency threshold (the p99 objective as a good-event"
                                    + " ratio)",
                            Objective.Kind.LATENCY,
                            990_000,
                            Duration.ofDays(7),
                            Duration.ofMillis(1500)),
                    new Objective(
                            "packet_loss_rate",
                            "Retransmissions per command (packet loss estimate) under 1%",
                            Objective.Kind.RETRANSMITS,
                            990_000,
                            Duration.ofHours(24),
                            null),
                    new Objective(
                            "decode_error_rate",
                            "Malformed packets from devices under 0.1% (fleet-wide, the same for both transports)",
                            Objective.Kind.DECODE_ERRORS,
                            999_000,
                            Duration.ofHours(24),
                            null),
                    new Objective(
                            "queue_full_rate",
                            "Commands refused by a full queue under 1%",
                            Objective.Kind.QUEUE_FULL,
                            990_000,
                            Duration.ofHours(1),
                            null)),
            new SloSpec.AutoRollback(
                    3,
                    List.of(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofHours(6)),
                    999_000,
                    20,
                    new Cusum.Settings(10, 0.01, Duration.ofHours(6))),
            new Evidence(1e-7));

    @Test
    void theShippedFileAndTheBuiltInCopyLoadToExactlyTheseValues() throws IOException {
        assertThat(SloSpec.load(SHIPPED)).isEqualTo(EXPECTED);
        assertThat(SloSpec.load(null)).isEqualTo(EXPECTED);
    }

    @Test
    void labModeTakesTheLabThreshold(@TempDir Path dir) throws IOException {
        Path lab = write(dir, "lab.yaml", shipped().replace("mode: field", "mode: lab"));
        assertThat(SloSpec.load(lab).latencyThreshold()).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void eachKindOfMistakeIsOneLineNamingTheFileAndTheKey(@TempDir Path dir) throws IOException {
        String shipped = shipped();
        Path unknown =
                write(dir, "unknown.yaml", once(shipped, "    window: 1h\n", "    window: 1h\n    windwo: 2h\n"));
        assertThatThrownBy(() -> SloSpec.load(unknown))
                .hasMessage(
                        unknown + ": unknown setting objectives[4].windwo; the settings here are: name, description,"
                                + " kind, target, window, threshold, thresholdLab");
        Path type = write(dir, "type.yaml", once(shipped, "consecutiveFailures: 3", "consecutiveFailures: three"));
        assertThatThrownBy(() -> SloSpec.load(type))
                .hasMessage(type + ": autoRollback.consecutiveFailures: must be a whole number, got 'three'");
        Path twice = write(dir, "twice.yaml", "mode: field\nminEvents: 100\nmode: lab\n");
        assertThatThrownBy(() -> SloSpec.load(twice))
                .hasMessage(twice + ": not valid YAML: Duplicate field 'mode' (line 3)");
        Path range = write(dir, "range.yaml", once(shipped, "target: 99.9", "target: 100.5"));
        assertThatThrownBy(() -> SloSpec.load(range))
                .hasMessage(range + ": objectives[0].target: must be above 0 and below 100 (percent), got 100.5");
        Path missing = write(dir, "missing.yaml", once(shipped, "    window: 30d\n", ""));
        assertThatThrownBy(() -> SloSpec.load(missing))
                .hasMessage(missing + ": objectives[0].window: required, like 30d");
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheirKey(@TempDir Path dir) throws IOException {
        String shipped = shipped();
        assertThatThrownBy(() -> load(dir, once(shipped, "target: 99.9", "target: 150")))
                .hasMessageEndingWith(": objectives[0].target: must be above 0 and below 100 (percent), got 150");
        assertThatThrownBy(() -> load(dir, once(shipped, "significance: 1.0e-7", "significance: NaN")))
                .hasMessageEndingWith(": significance: must be a number, got 'NaN'");
        assertThatThrownBy(() -> load(dir, once(shipped, "significance: 1.0e-7", "significance: 0.5")))
                .hasMessageEndingWith(": significance: must be a number above 0 and below 0.5 (like 1.0e-7), got 0.5");
        assertThatThrownBy(() -> load(dir, once(shipped, "window: 30d", "window: -1d")))
                .hasMessageEndingWith(": objectives[0].window: '-1d' is not a duration; use a number and a unit (d, h,"
                        + " m, s, ms), like 1500ms, 10s, 30m, 6h or 3d6h");
        assertThatThrownBy(() -> load(dir, once(shipped, "window: 30d", "window: 31d")))
                .hasMessageEndingWith(": objectives[0].window: must be positive and at most 30d, got 31d0h");
        assertThatThrownBy(() -> load(dir, once(shipped, "windows: [10m, 1h, 6h]", "windows: [10m, 30s]")))
                .hasMessageEndingWith(": autoRollback.windows[1]: each window must be from 1m to 30d, got 30s");
        assertThatThrownBy(() -> load(dir, once(shipped, "minEvents: 20", "minEvents: 0")))
                .hasMessageEndingWith(": autoRollback.minEvents: must be a whole number from 1 to 1000000000, got 0");
        assertThatThrownBy(() -> load(dir, once(shipped, "threshold: 1500ms", "threshold: 0s")))
                .hasMessageEndingWith(": objectives[1].threshold: must be positive, got 0s");
        assertThatThrownBy(() -> load(dir, once(shipped, "kind: queue_full", "kind: queue")))
                .hasMessageEndingWith(": objectives[4].kind: must be success, latency, retransmits, decode_errors or"
                        + " queue_full, got 'queue'");
        assertThatThrownBy(() -> load(dir, once(shipped, "mode: field", "mode: test")))
                .hasMessageEndingWith(": mode: must be field or lab, got 'test'");
        assertThatThrownBy(() -> load(dir, once(shipped, "  - name: packet_loss_rate", "  - name: toggle_latency")))
                .hasMessageEndingWith(": objectives[2].name: 'toggle_latency' appears twice");
        assertThatThrownBy(() -> load(dir, once(shipped, "window: 24h\n", "window: 24h\n    threshold: 1s\n")))
                .hasMessageEndingWith(": objectives[2].threshold: only a latency objective has one");
        assertThatThrownBy(() -> load(dir, once(shipped, "windows: [10m, 1h, 6h]", "successWindow: 1h")))
                .hasMessageStartingWith(dir.resolve("slo.yaml") + ": autoRollback.successWindow: no longer a setting");
        assertThatThrownBy(() -> load(dir, once(shipped, "burnRate: 10, ", "")))
                .hasMessageEndingWith(": autoRollback.sequential.burnRate: required, like 10");
        assertThatThrownBy(() -> load(dir, "mode: field\n"))
                .hasMessageEndingWith(
                        ": objectives: a list of at least one objective is required (see config/slo.yaml)");
    }

    private static SloSpec load(Path dir, String text) throws IOException {
        return SloSpec.load(write(dir, "slo.yaml", text));
    }

    /** {@code text} with the one occurrence of {@code old} replaced. */
    static String once(String text, String old, String replacement) {
        int at = text.indexOf(old);
        assertThat(at).as("'%s' is in the file", old).isNotNegative();
        return text.substring(0, at) + replacement + text.substring(at + old.length());
    }

    private static String shipped() throws IOException {
        return Files.readString(SHIPPED);
    }

    static Path write(Path dir, String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
