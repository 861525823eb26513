package dev.cync.canary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.bench.BenchReport.ArmResult;
import dev.cync.canary.bench.BenchReport.Latency;
import dev.cync.canary.bench.BenchReport.Machine;
import dev.cync.canary.bench.BenchReport.Mirrors;
import dev.cync.canary.bench.BenchReport.Second;
import dev.cync.canary.support.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/** The bench's typed report: percentiles, the figures derived from the counts, ratios, and its JSON. */
class BenchReportTest {

    static final Latency NO_LATENCY = new Latency(null, null, null, null, null);

    /** An arm's result with its accounting adding up, {@code ok} of {@code commands} succeeded. */
    static ArmResult arm(Arm arm, long commands, long ok, Duration elapsed, Latency latency) {
        Map<String, Long> failed = new LinkedHashMap<>();
        if (commands > ok) {
            failed.put("timeout", commands - ok);
        }
        return new ArmResult(
                arm,
                commands,
                ok,
                failed,
                0,
                latency,
                0,
                0L,
                0L,
                1_000_000,
                0,
                elapsed,
                true,
                null,
                List.of(new Second(0, ok, commands - ok)),
                null);
    }

    static Latency p99(double p99) {
        return new Latency(1.0, 2.0, p99, p99 + 1, p99 + 2);
    }

    static BenchReport report(ArmResult... arms) {
        return new BenchReport(
                50,
                "in this process",
                "none",
                "closed loop, 100 outstanding",
                2000,
                "nio",
                new Machine(2, "17", "Linux amd64"),
                List.of(arms));
    }

    @Test
    void percentilesAreMillisecondsOfTheMicrosecondHistogram() {
        Histogram micros = new Histogram(3);
        for (int us = 1; us <= 1000; us++) {
            micros.recordValue(us);
        }
        assertThat(Latency.of(micros)).isEqualTo(new Latency(0.5, 0.95, 0.99, 0.999, 1.0));
    }

    @Test
    void anArmWithoutSuccessesHasNoLatencyRatherThanZero() {
        assertThat(Latency.of(new Histogram(3))).isEqualTo(NO_LATENCY);
    }

    @Test
    void ratesAreDerivedFromTheCountsAndTheRunsLength() {
        Map<String, Long> failed = new LinkedHashMap<>();
        failed.put("timeout", 8L);
        failed.put("rejected", 2L);
        ArmResult r = new ArmResult(
                Arm.RELIABLE,
                1000,
                990,
                failed,
                0,
                NO_LATENCY,
                25,
                0L,
                3L,
                150_000_000,
                0,
                Duration.ofMillis(3000),
                true,
                null,
                List.of(),
                null);
        assertThat(r.failed()).isEqualTo(10);
        assertThat(r.throughputPerSecond()).isEqualTo(333.3);
        assertThat(r.goodputPerSecond()).isEqualTo(330.0);
        assertThat(r.successRate()).isEqualTo(0.99);
        assertThat(r.retransmitRate()).isEqualTo(0.025);
        assertThat(r.cpuMicrosPerCommand()).isEqualTo(150.0);
        assertThat(r.durationSeconds()).isEqualTo(3.0);
    }

    @Test
    void cpuTimeTheJvmDoesNotReportIsUnknownNotZero() {
        ArmResult unknown = new ArmResult(
                Arm.RAW,
                10,
                10,
                Map.of(),
                0,
                NO_LATENCY,
                0,
                null,
                null,
                -1,
                0,
                Duration.ofSeconds(1),
                true,
                null,
                List.of(),
                null);
        assertThat(unknown.cpuMicrosPerCommand()).isNull();
        assertThat(arm(Arm.RAW, 0, 0, Duration.ofSeconds(1), NO_LATENCY).cpuMicrosPerCommand())
                .isNull();
    }

    @Test
    void ratiosCompareOnlyTheArmsThatRan() {
        Duration s = Duration.ofSeconds(1);
        BenchReport all = report(
                arm(Arm.RAW, 1000, 1000, s, p99(10)),
                arm(Arm.LEGACY, 800, 800, s, p99(40)),
                arm(Arm.RELIABLE, 900, 890, s, p99(20)),
                arm(Arm.MIRROR, 800, 800, s, p99(50)));
        assertThat(all.ratios())
                .containsExactly(
                        Map.entry("reliable_vs_raw_throughput", 0.9),
                        Map.entry("reliable_vs_legacy_throughput", 1.125),
                        Map.entry("reliable_vs_legacy_goodput", 1.113),
                        Map.entry("reliable_vs_raw_goodput", 0.89),
                        Map.entry("mirror_vs_legacy_p99", 1.25));
        BenchReport twoArms = report(arm(Arm.LEGACY, 800, 800, s, NO_LATENCY), arm(Arm.MIRROR, 800, 800, s, p99(50)));
        // Legacy had no success, so no p99 to compare with: no ratio rather than a division by nothing.
        assertThat(twoArms.ratios()).isEmpty();
        assertThat(report(arm(Arm.RAW, 10, 10, s, p99(1))).ratios()).isEmpty();
    }

    @Test
    void theRunAddsUpOnlyWhenEveryArmDoes() {
        Duration s = Duration.ofSeconds(1);
        ArmResult ok = arm(Arm.LEGACY, 10, 10, s, NO_LATENCY);
        ArmResult off = new ArmResult(
                Arm.RELIABLE,
                10,
                9,
                Map.of(),
                0,
                NO_LATENCY,
                0,
                0L,
                0L,
                0,
                0,
                s,
                false,
                "load generator: issued 10, succeeded 9, failed 0",
                List.of(),
                null);
        assertThat(report(ok).accountingOk()).isTrue();
        assertThat(report(ok, off).accountingOk()).isFalse();
        assertThat(report().accountingOk()).isTrue();
    }

    @Test
    void theJsonHasTheNamesTheScriptsAndTheDocsRead() throws Exception {
        Duration s = Duration.ofSeconds(2);
        ArmResult mirror = arm(Arm.MIRROR, 100, 100, s, p99(50)).withMirrors(new Mirrors(90, 1, 9));
        ArmResult childFleet = new ArmResult(
                Arm.LEGACY,
                100,
                99,
                Map.of("timeout", 1L),
                0,
                p99(40),
                0,
                null,
                null,
                2_000_000,
                0,
                s,
                false,
                "load generator: issued 100",
                List.of(),
                null);
        JsonNode j = Json.mapper().readTree(Json.pretty().writeValueAsString(report(childFleet, mirror)));
        assertThat(names(j))
                .containsExactly(
                        "devices",
                        "fleet",
                        "faults",
                        "load",
                        "commands_per_arm",
                        "netty_transport",
                        "machine",
                        "arms",
                        "ratios",
                        "accounting_ok");
        assertThat(names(j.get("machine"))).containsExactly("cores", "java", "os");
        assertThat(j.get("accounting_ok").asBoolean()).isFalse();
        assertThat(j.get("ratios").get("mirror_vs_legacy_p99").asDouble()).isEqualTo(1.25);
        JsonNode legacy = j.get("arms").get(0);
        assertThat(names(legacy))
                .containsExactly(
                        "arm",
                        "commands",
                        "succeeded",
                        "success_rate",
                        "failed_by_reason",
                        "in_flight_at_end",
                        "throughput_per_s",
                        "goodput_per_s",
                        "latency_ms",
                        "retransmits",
                        "retransmit_rate",
                        "duplicate_applications",
                        "duplicates_suppressed",
                        "cpu_us_per_command",
                        "queue_full",
                        "duration_s",
                        "accounting_ok",
                        "accounting_detail",
                        "timeline");
        assertThat(legacy.get("arm").asText()).isEqualTo("legacy");
        assertThat(legacy.get("throughput_per_s").asDouble()).isEqualTo(50.0);
        assertThat(legacy.get("cpu_us_per_command").asDouble()).isEqualTo(20.0);
        // Unknown (the fleet ran in a child process) is written as null, never as a made-up zero.
        assertThat(legacy.get("duplicate_applications").isNull()).isTrue();
        assertThat(names(legacy.get("latency_ms"))).containsExactly("p50", "p95", "p99", "p999", "max");
        JsonNode m = j.get("arms").get(1);
        assertThat(m.has("accounting_detail")).isFalse();
        assertThat(names(m.get("mirrors"))).containsExactly("success", "failure", "dropped");
        assertThat(m.get("mirrors").get("dropped").asLong()).isEqualTo(9);
        assertThat(names(m.get("timeline").get(0))).containsExactly("second", "succeeded", "failed");
    }

    @Test
    void theMemoryReportDividesByTheDevicesThatConnected() throws Exception {
        MemoryReport r = new MemoryReport(200, 100, false, 1_000_000, 2_000_000, 3_500_000, 200, "17");
        assertThat(r.bytesPerDeviceIdle()).isEqualTo(10_000);
        assertThat(r.bytesPerDeviceAfterCommands()).isEqualTo(25_000);
        MemoryReport none = new MemoryReport(200, 0, false, 1, 1, 1, 0, "17");
        assertThat(none.bytesPerDeviceIdle()).isNull();
        JsonNode j = Json.mapper().readTree(Json.pretty().writeValueAsString(none));
        assertThat(names(j))
                .containsExactly(
                        "devices_requested",
                        "devices_connected",
                        "all_connected",
                        "heap_before_bytes",
                        "heap_connected_idle_bytes",
                        "heap_after_one_command_each_bytes",
                        "commands_succeeded",
                        "bytes_per_device_idle",
                        "bytes_per_device_after_commands",
                        "java");
        assertThat(j.get("bytes_per_device_idle").isNull()).isTrue();
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
