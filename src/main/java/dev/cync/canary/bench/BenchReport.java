package dev.cync.canary.bench;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/**
 * What one bench run measured: the run's setting and one {@link ArmResult} per arm, in the order
 * the arms ran. The records hold what was counted; the rates and ratios are derived from the
 * counts here, rounded as reported. Property names are the JSON names of {@code bench --json}
 * ({@code scripts/bench-transports.sh} and docs/BENCHMARKS.md read them).
 *
 * @param devices simulated devices
 * @param fleet where the fleet ran: "in this process" or "child process"
 * @param faults the fleet's faults, as {@code sim.Faults} writes them
 * @param load closed loop and its concurrency, or the open loop's rate
 * @param commandsPerArm measured commands per arm
 * @param nettyTransport the Netty I/O the device server used (epoll, nio, ...)
 * @param machine where it ran
 * @param arms each arm's result, in the order the arms ran
 */
@JsonPropertyOrder({
    "devices",
    "fleet",
    "faults",
    "load",
    "commands_per_arm",
    "netty_transport",
    "machine",
    "arms",
    "ratios",
    "accounting_ok"
})
public record BenchReport(
        @JsonProperty("devices") int devices,
        @JsonProperty("fleet") String fleet,
        @JsonProperty("faults") String faults,
        @JsonProperty("load") String load,
        @JsonProperty("commands_per_arm") long commandsPerArm,
        @JsonProperty("netty_transport") String nettyTransport,
        @JsonProperty("machine") Machine machine,
        @JsonProperty("arms") List<ArmResult> arms) {

    public BenchReport {
        arms = List.copyOf(arms);
    }

    /** Every arm's accounting added up. */
    @JsonProperty("accounting_ok")
    public boolean accountingOk() {
        return arms.stream().allMatch(ArmResult::accountingOk);
    }

    /**
     * The arms compared, to three places, for the pairs that ran: the reliable arm's throughput
     * and goodput over the raw and the legacy arm's, and the mirror arm's p99 over legacy's.
     */
    @JsonProperty("ratios")
    public Map<String, Double> ratios() {
        Optional<ArmResult> raw = arm(Arm.RAW);
        Optional<ArmResult> legacy = arm(Arm.LEGACY);
        Optional<ArmResult> reliable = arm(Arm.RELIABLE);
        Map<String, Double> out = new LinkedHashMap<>();
        if (reliable.isPresent() && raw.isPresent()) {
            out.put(
                    "reliable_vs_raw_throughput",
                    ratio(reliable.get().throughputPerSecond(), raw.get().throughputPerSecond()));
        }
        if (reliable.isPresent() && legacy.isPresent()) {
            out.put(
                    "reliable_vs_legacy_throughput",
                    ratio(reliable.get().throughputPerSecond(), legacy.get().throughputPerSecond()));
            out.put(
                    "reliable_vs_legacy_goodput",
                    ratio(reliable.get().goodputPerSecond(), legacy.get().goodputPerSecond()));
        }
        if (reliable.isPresent() && raw.isPresent()) {
            out.put(
                    "reliable_vs_raw_goodput",
                    ratio(reliable.get().goodputPerSecond(), raw.get().goodputPerSecond()));
        }
        Double legacyP99 = legacy.map(a -> a.latency().p99()).orElse(null);
        Double mirrorP99 = arm(Arm.MIRROR).map(a -> a.latency().p99()).orElse(null);
        if (legacyP99 != null && mirrorP99 != null && legacyP99 > 0) {
            out.put("mirror_vs_legacy_p99", ratio(mirrorP99, legacyP99));
        }
        return out;
    }

    /** The first result of {@code arm}, if it ran. */
    public Optional<ArmResult> arm(Arm arm) {
        return arms.stream().filter(a -> a.arm() == arm).findFirst();
    }

    private static double ratio(double a, double b) {
        return round(a / b, 3);
    }

    /** {@code v} rounded half up to {@code places} decimals, as the report prints it. */
    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    /** Where the bench ran. */
    @JsonPropertyOrder({"cores", "java", "os"})
    public record Machine(
            @JsonProperty("cores") int cores,
            @JsonProperty("java") String java,
            @JsonProperty("os") String os) {

        /** This JVM's machine. */
        static Machine current() {
            return new Machine(
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        }
    }

    /**
     * One arm's measured run: the load generator's counts, the arm's own, the latencies of its
     * successes and the CPU it took.
     *
     * @param arm the arm
     * @param commands commands issued into the arm
     * @param succeeded commands the load generator saw succeed (the device executed them)
     * @param failedByReason failed commands by outcome label, only reasons that occurred
     * @param inFlightAtEnd commands whose future had not completed when the arm ended
     * @param latency the successes' latencies
     * @param retransmits retransmissions the arm's transport counted during the run (0 for raw)
     * @param duplicateApplications commands the simulated devices applied twice; null when the
     *     fleet ran in a child process (its counts stay there: unknown, never a made-up zero)
     * @param duplicatesSuppressed repeated commands the simulated devices dropped; null likewise
     * @param cpuNanos this JVM's CPU time during the run, or -1 where the JVM does not say
     * @param queueFull commands refused with {@code queue_full}
     * @param elapsed the load generator's run, first command to last resolution
     * @param accountingOk sent = succeeded + failed + in flight, by three independent counts
     * @param accountingDetail the counts that disagreed, when they did; null otherwise
     * @param timeline successes and failures per second of the run
     * @param mirrors the mirror arm's mirrored copies by outcome; null for the other arms
     */
    @JsonPropertyOrder({
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
        "timeline",
        "mirrors"
    })
    public record ArmResult(
            @JsonProperty("arm") Arm arm,
            @JsonProperty("commands") long commands,
            @JsonProperty("succeeded") long succeeded,
            @JsonProperty("failed_by_reason") Map<String, Long> failedByReason,
            @JsonProperty("in_flight_at_end") long inFlightAtEnd,
            @JsonProperty("latency_ms") Latency latency,
            @JsonProperty("retransmits") long retransmits,
            @JsonProperty("duplicate_applications") Long duplicateApplications,
            @JsonProperty("duplicates_suppressed") Long duplicatesSuppressed,
            @JsonIgnore long cpuNanos,
            @JsonProperty("queue_full") long queueFull,
            @JsonIgnore Duration elapsed,
            @JsonProperty("accounting_ok") boolean accountingOk,

            @JsonProperty("accounting_detail") @JsonInclude(JsonInclude.Include.NON_NULL)
            String accountingDetail,

            @JsonProperty("timeline") List<Second> timeline,

            @JsonProperty("mirrors") @JsonInclude(JsonInclude.Include.NON_NULL)
            Mirrors mirrors) {

        public ArmResult {
            failedByReason = Collections.unmodifiableMap(new LinkedHashMap<>(failedByReason));
            timeline = List.copyOf(timeline);
        }

        /** This result with the mirror arm's mirrored copies, counted once they all resolved. */
        ArmResult withMirrors(Mirrors m) {
            return new ArmResult(
                    arm,
                    commands,
                    succeeded,
                    failedByReason,
                    inFlightAtEnd,
                    latency,
                    retransmits,
                    duplicateApplications,
                    duplicatesSuppressed,
                    cpuNanos,
                    queueFull,
                    elapsed,
                    accountingOk,
                    accountingDetail,
                    timeline,
                    m);
        }

        /** Commands that failed, every reason. */
        public long failed() {
            return failedByReason.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Succeeded over issued, to six places. */
        @JsonProperty("success_rate")
        public double successRate() {
            return commands == 0 ? 0 : round(succeeded / (double) commands, 6);
        }

        /** Resolved commands (succeeded and failed) per second of the run, to 0.1. */
        @JsonProperty("throughput_per_s")
        public double throughputPerSecond() {
            return round((succeeded + failed()) / seconds(), 1);
        }

        /** Succeeded commands per second of the run, to 0.1. */
        @JsonProperty("goodput_per_s")
        public double goodputPerSecond() {
            return round(succeeded / seconds(), 1);
        }

        /** Retransmissions per issued command, to six places. */
        @JsonProperty("retransmit_rate")
        public double retransmitRate() {
            return commands == 0 ? 0 : round(retransmits / (double) commands, 6);
        }

        /** This JVM's CPU time per issued command in microseconds, to 0.1; null when unknown. */
        @JsonProperty("cpu_us_per_command")
        public Double cpuMicrosPerCommand() {
            return cpuNanos < 0 || commands == 0 ? null : round(cpuNanos / 1000.0 / commands, 1);
        }

        /** The run's length in seconds, to 0.01. */
        @JsonProperty("duration_s")
        public double durationSeconds() {
            return round(seconds(), 2);
        }

        private double seconds() {
            return elapsed.toNanos() / 1e9;
        }
    }

    /**
     * Latencies of an arm's successes in milliseconds, to the microsecond; all null when none
     * succeeded.
     */
    @JsonPropertyOrder({"p50", "p95", "p99", "p999", "max"})
    public record Latency(
            @JsonProperty("p50") Double p50,
            @JsonProperty("p95") Double p95,
            @JsonProperty("p99") Double p99,
            @JsonProperty("p999") Double p999,
            @JsonProperty("max") Double max) {

        /** From a histogram of microseconds (the load generator's). */
        static Latency of(Histogram micros) {
            if (micros.getTotalCount() == 0) {
                return new Latency(null, null, null, null, null);
            }
            return new Latency(
                    ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(95)),
                    ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)),
                    ms(micros.getMaxValue()));
        }

        private static double ms(long micros) {
            return round(micros / 1000.0, 3);
        }
    }

    /** The mirror arm's mirrored copies during its run, by outcome. */
    @JsonPropertyOrder({"success", "failure", "dropped"})
    public record Mirrors(
            @JsonProperty("success") long success,
            @JsonProperty("failure") long failure,
            @JsonProperty("dropped") long dropped) {}

    /** One second of an arm's run: the commands that resolved in it. */
    @JsonPropertyOrder({"second", "succeeded", "failed"})
    public record Second(
            @JsonProperty("second") long second,
            @JsonProperty("succeeded") long succeeded,
            @JsonProperty("failed") long failed) {}
}
