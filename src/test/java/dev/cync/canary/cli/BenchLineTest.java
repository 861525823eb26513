package dev.cync.canary.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.bench.Arm;
import dev.cync.canary.bench.BenchReport.ArmResult;
import dev.cync.canary.bench.BenchReport.Latency;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench's human-readable arm line, character for character as docs/BENCHMARKS.md quotes it. */
class BenchLineTest {

    @Test
    void anArmIsOneLineInTheFormatTheDocsQuote() {
        ArmResult mirror = new ArmResult(
                Arm.MIRROR,
                2000,
                1988,
                Map.of("rejected", 12L),
                0,
                new Latency(18.367, 40.0, 59.327, 73.407, 74.431),
                0,
                0L,
                0L,
                460_000_000,
                0,
                Duration.ofNanos(417_900_000),
                true,
                null,
                List.of(),
                null);
        assertThat(BenchCommand.line(mirror))
                .isEqualTo("mirror       2000 cmds     4785.8 cmd/s  success 0.9940  p50 18.367 ms  p99 59.327 ms"
                        + "  p999 73.407 ms  max 74.431 ms  retransmit 0.0000  dup-applied 0  queue-full 0"
                        + "  cpu/cmd 230.0 us  failed {rejected=12}  in-flight 0  accounting ok");
    }

    @Test
    void unknownFiguresPrintAsNullAndABadAccountingAsMismatch() {
        ArmResult childFleet = new ArmResult(
                Arm.LEGACY,
                600,
                600,
                Map.of(),
                0,
                new Latency(20.383, 100.0, 152.575, 160.383, 160.383),
                0,
                null,
                null,
                -1,
                0,
                Duration.ofMillis(1080),
                false,
                "load generator: issued 600",
                List.of(),
                null);
        assertThat(BenchCommand.line(childFleet))
                .isEqualTo("legacy        600 cmds      555.6 cmd/s  success 1.0000  p50 20.383 ms  p99 152.575 ms"
                        + "  p999 160.383 ms  max 160.383 ms  retransmit 0.0000  dup-applied null  queue-full 0"
                        + "  cpu/cmd null us  failed {}  in-flight 0  accounting MISMATCH");
    }
}
