package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.device.NettyTransports;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.sim.RawBaseline;
import dev.cync.canary.sim.SimStats;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.SystemClock;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportStats;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cync-canary bench}: one process, one simulated fleet, the same load through each arm in
 * turn (raw baseline, legacy, reliable), measured the same way.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        abbreviateSynopsis = true,
        description =
                "Measure the transports side by side: same fleet, same load, one process. Arms: raw (write and wait"
                        + " for the ack, no transport logic: the practical limit), legacy, reliable, and mirror (legacy through the"
                        + " canary router at 0%% with dark launch mirroring every device to the new transport: its latency is the"
                        + " primary's, to compare with legacy's). Without --rate each arm runs closed-loop at its maximum. Exits 1"
                        + " if any arm's accounting (sent = succeeded + failed + in flight) does not add up. With --memory,"
                        + " measures the controller's heap per connected device instead, with the fleet in a child process so"
                        + " that only the controller is on this heap.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
            "0:every arm's accounting added up",
            "1:an arm's accounting did not add up, or the fleet failed to connect"
        })
final class BenchCommand implements Callable<Integer> {

    @Mixin
    ControllerOptions options;

    @Mixin
    FaultOptions faults;

    @Option(
            names = "--devices",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Simulated devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--commands",
            paramLabel = "N",
            defaultValue = "100000",
            description = "Measured commands per arm (default ${DEFAULT-VALUE}).")
    long commands;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "Unmeasured commands per arm first (default: a fifth of --commands).")
    Long warmup;

    @Option(
            names = "--rate",
            paramLabel = "PER_SECOND",
            description = "Open loop at this rate (Poisson). Omitted: closed loop, the maximum.")
    Double rate;

    @Option(
            names = "--concurrency",
            paramLabel = "N",
            description = "Commands outstanding in closed loop (default: 2 per device).")
    Integer concurrency;

    @Option(
            names = "--arms",
            paramLabel = "ARMS",
            split = ",",
            defaultValue = "raw,legacy,reliable",
            description = "Arms to run, in order: raw, legacy, reliable, mirror" + " (default: ${DEFAULT-VALUE}).")
    List<String> arms;

    @Option(names = "--no-dedup", description = "Simulated devices apply repeated commands again.")
    boolean noDedup;

    @Option(
            names = "--fleet-process",
            description =
                    "Run the simulated fleet in a child JVM, so this one holds the controller alone"
                            + " (its heap, GC pauses and threads); the cores are still shared. Duplicate counts are then not reported.")
    boolean fleetProcess;

    @Option(
            names = "--memory",
            description = "Measure controller heap per connected device (fleet in a child process).")
    boolean memory;

    @Option(names = "--json", description = "Print the results as one JSON object.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final ObjectMapper mapper = Json.pretty();

    @Override
    public Integer call() throws Exception {
        for (String arm : arms) {
            if (!List.of("raw", "legacy", "reliable", "mirror").contains(arm)) {
                throw new IllegalArgumentException(
                        "--arms: unknown arm '" + arm + "'; use raw, legacy, reliable and/or mirror");
            }
        }
        if (commands < 1) {
            throw new IllegalArgumentException("--commands must be at least 1, got " + commands);
        }
        return memory ? new MemoryBench(this).run() : runArms();
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    ControllerConfig controllerConfig() throws IOException {
        // The bench owns its ports: free ones unless given, no TLS unless asked.
        ControllerConfig c = options.load();
        if (options.stateDir == null) {
            // The bench's flags are its own business: a fresh directory, never the operator's.
            c = c.withStateDir(Files.createTempDirectory("cync-bench-"));
        }
        return c.withPorts(
                options.httpPort == null ? 0 : options.httpPort,
                options.devicePort == null ? 0 : options.devicePort,
                options.tlsPort == null ? -1 : options.tlsPort);
    }

    private int runArms() throws Exception {
        SystemClock clock = SystemClock.utc();
        ScheduledExecutorService timer = Waits.daemonScheduler("bench-load");
        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        boolean balanced = true;
        try (CompositionRoot controller = new CompositionRoot(controllerConfig(), clock, Map.of()).start(true);
                Fleet fleet = fleetProcess
                        ? null
                        : new Fleet(
                                        Fleet.Config.defaults(
                                                        "127.0.0.1",
                                                        controller.devices().plainPort(),
                                                        devices)
                                                .withFaults(faults.faults(), faults.seed)
                                                .withDedup(!noDedup),
                                        clock)
                                .start();
                FleetProcess child = fleetProcess
                        ? FleetProcess.start(
                                controller.devices().plainPort(),
                                devices,
                                !noDedup,
                                faults,
                                () -> controller.devices().registry().size())
                        : null) {
            if (!Waits.until(
                    () -> controller.devices().registry().size() >= devices,
                    Duration.ofSeconds(60),
                    Duration.ofMillis(50))) {
                out().printf(
                                "bench: only %d of %d devices connected within 60 s%n",
                                controller.devices().registry().size(), devices);
                return 1;
            }
            List<DeviceId> ids = fleet != null
                    ? fleet.ids()
                    : controller.devices().registry().connectedIds().stream()
                            .sorted()
                            .toList();
            report.put("devices", devices);
            report.put("fleet", fleet != null ? "in this process" : "child process");
            report.put("faults", faults.faults().toString());
            report.put(
                    "load",
                    rate == null ? "closed loop, " + concurrency() + " outstanding" : rate + " commands/s (Poisson)");
            report.put("commands_per_arm", commands);
            report.put("netty_transport", NettyTransports.name());
            report.put(
                    "machine",
                    Map.of(
                            "cores",
                            Runtime.getRuntime().availableProcessors(),
                            "java",
                            System.getProperty("java.version"),
                            "os",
                            System.getProperty("os.name") + " " + System.getProperty("os.arch")));
            // Every arm warms up before any is measured, so no arm is measured on a colder JIT than another.
            long warm = warmup != null ? warmup : commands / 5;
            for (String arm : arms) {
                if (warm > 0) {
                    mirroring(controller, arm.equals("mirror"));
                    LoadGenerator.Run w = start(
                            new LoadGenerator(clock, new ExecutorScheduler(timer), () -> ids, faults.seed + 7),
                            sink(arm, controller, clock),
                            warm);
                    Waits.await(w.issuingStopped(), Duration.ofMinutes(5));
                    Waits.await(w.done(), Duration.ofSeconds(5));
                }
            }
            for (String arm : arms) {
                mirroring(controller, arm.equals("mirror"));
                LoadGenerator.Sink sink = sink(arm, controller, clock);
                Transport transport =
                        arm.equals("reliable") ? controller.reliable() : arm.equals("raw") ? null : controller.legacy();
                double[] mirrorsBefore = mirrors(controller);
                Map<String, Object> r = measure(arm, sink, transport, controller, fleet, clock, timer, ids);
                if (arm.equals("mirror")) {
                    Waits.until(
                            () -> controller.sender().mirrorsInFlight() == 0,
                            Duration.ofSeconds(5),
                            Duration.ofMillis(20));
                    double[] after = mirrors(controller);
                    r.put(
                            "mirrors",
                            Map.of(
                                    "success",
                                    (long) (after[0] - mirrorsBefore[0]),
                                    "failure",
                                    (long) (after[1] - mirrorsBefore[1]),
                                    "dropped",
                                    (long) (after[2] - mirrorsBefore[2])));
                }
                balanced &= (Boolean) r.get("accounting_ok");
                results.add(r);
                if (!json) {
                    printArm(r);
                }
            }
        } finally {
            timer.shutdownNow();
        }
        report.put("arms", results);
        report.put("ratios", ratios(results));
        report.put("accounting_ok", balanced);
        if (json) {
            out().println(mapper.writeValueAsString(report));
        } else {
            out().println("ratios: " + report.get("ratios"));
            out().println(
                            balanced
                                    ? "accounting: every arm adds up"
                                    : "accounting: MISMATCH (see accounting_ok per arm)");
        }
        out().flush();
        return balanced ? 0 : 1;
    }

    /** The mirror arm routes through the canary router at 0% with dark launch on for every device; other arms leave it off. */
    private static void mirroring(CompositionRoot c, boolean on) {
        if (c.flags().current().darkLaunch() != on) {
            c.flags().setPercentage("bench", 0, "bench arm");
            c.flags().darkLaunch("bench", on, 10_000, "bench mirror arm");
        }
    }

    private static double[] mirrors(CompositionRoot c) {
        return new double[] {
            c.metrics().counterValue(Metrics.DARK_LAUNCH, "success"),
            c.metrics().counterValue(Metrics.DARK_LAUNCH, "failure"),
            c.metrics().counterValue(Metrics.DARK_LAUNCH, "dropped")
        };
    }

    private int concurrency() {
        return concurrency != null ? concurrency : devices * 2;
    }

    private LoadGenerator.Run start(LoadGenerator gen, LoadGenerator.Sink sink, long n) {
        return rate == null ? gen.closedLoop(sink, concurrency(), n) : gen.openLoop(sink, rate, n);
    }

    private LoadGenerator.Sink sink(String arm, CompositionRoot c, SystemClock clock) {
        return switch (arm) {
            case "raw" ->
                new RawBaseline(
                        c.devices().registry(), clock, c.config().reliable().deadline());
            case "legacy" -> c.legacy()::send;
            case "mirror" -> c.sender()::send;
            default -> c.reliable()::send;
        };
    }

    private Map<String, Object> measure(
            String arm,
            LoadGenerator.Sink sink,
            Transport transport,
            CompositionRoot controller,
            Fleet fleet,
            SystemClock clock,
            ScheduledExecutorService timer,
            List<DeviceId> ids)
            throws InterruptedException {
        String label = arm.equals("reliable") ? Metrics.NEW : Metrics.LEGACY;
        double retransmitsBefore = transport == null ? 0 : controller.metrics().counterValue(Metrics.RETRANSMIT, label);
        // Every arm's own counts, the raw baseline's included, checked against the load generator's.
        Supplier<TransportStats> armStats = transport != null ? transport::stats : ((RawBaseline) sink)::stats;
        Duration settle = controller.config().reliable().deadline().plusSeconds(2);
        // Counts are compared when nothing moves: the warm-up's last commands resolved before, every command after.
        Waits.until(() -> armStats.get().inFlight() == 0, settle, Duration.ofMillis(20));
        TransportStats statsBefore = armStats.get();
        AtomicLong inFlightCounted = new AtomicLong();
        SimStats.Snapshot simBefore = fleet == null ? null : fleet.stats().snapshot();
        long cpuBefore = BenchCpu.processCpuNanos();
        long armStart = clock.nanoTime();
        AtomicLongArray okPerSecond = new AtomicLongArray(3600);
        AtomicLongArray failPerSecond = new AtomicLongArray(3600);
        LoadGenerator.Sink timed = c -> {
            inFlightCounted.incrementAndGet();
            return sink.apply(c).whenComplete((o, e) -> {
                inFlightCounted.decrementAndGet();
                int s = (int) Math.min(3599, TimeUnit.NANOSECONDS.toSeconds(clock.nanoTime() - armStart));
                (o != null && o.succeeded() ? okPerSecond : failPerSecond).incrementAndGet(s);
            });
        };
        LoadGenerator.Run run =
                start(new LoadGenerator(clock, new ExecutorScheduler(timer), () -> ids, faults.seed), timed, commands);
        Waits.await(run.issuingStopped(), Duration.ofMinutes(30));
        Waits.await(run.done(), settle);
        Waits.until(() -> inFlightCounted.get() == 0 && armStats.get().inFlight() == 0, settle, Duration.ofMillis(20));

        Map<Outcome, Long> outcomes = run.outcomes();
        long succeeded = outcomes.get(Outcome.SUCCESS);
        Map<String, Long> failed = new LinkedHashMap<>();
        outcomes.forEach((o, n) -> {
            if (o != Outcome.SUCCESS && n > 0) {
                failed.put(o.label(), n);
            }
        });
        long failedTotal = failed.values().stream().mapToLong(Long::longValue).sum();
        long issued = run.issued();
        long inFlight = inFlightCounted.get();
        TransportStats statsAfter = armStats.get();
        boolean ok = accountingOk(issued, succeeded, failedTotal, inFlight, statsBefore, statsAfter);
        long cpuNanos = BenchCpu.processCpuNanos() - cpuBefore;
        SimStats.Snapshot sim = fleet == null ? null : fleet.stats().snapshot().minus(simBefore);
        Histogram h = run.latencies();
        double seconds = run.elapsed().toNanos() / 1e9;

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("arm", arm);
        r.put("commands", issued);
        r.put("succeeded", succeeded);
        r.put("success_rate", issued == 0 ? 0 : round(succeeded / (double) issued, 6));
        r.put("failed_by_reason", failed);
        r.put("in_flight_at_end", inFlight);
        r.put("throughput_per_s", round((succeeded + failedTotal) / seconds, 1));
        r.put("goodput_per_s", round(succeeded / seconds, 1));
        Map<String, Object> lat = new LinkedHashMap<>();
        lat.put("p50", ms(h, 50));
        lat.put("p95", ms(h, 95));
        lat.put("p99", ms(h, 99));
        lat.put("p999", ms(h, 99.9));
        lat.put("max", h.getTotalCount() == 0 ? null : round(h.getMaxValue() / 1000.0, 3));
        r.put("latency_ms", lat);
        double retransmits = transport == null
                ? 0
                : controller.metrics().counterValue(Metrics.RETRANSMIT, label) - retransmitsBefore;
        r.put("retransmits", (long) retransmits);
        r.put("retransmit_rate", issued == 0 ? 0 : round(retransmits / issued, 6));
        r.put("duplicate_applications", sim == null ? null : sim.duplicateApplications());
        r.put("duplicates_suppressed", sim == null ? null : sim.duplicatesSuppressed());
        r.put("cpu_us_per_command", BenchCpu.perCommandMicros(cpuNanos, issued));
        r.put("queue_full", outcomes.get(Outcome.QUEUE_FULL));
        r.put("duration_s", round(seconds, 2));
        r.put("accounting_ok", ok);
        if (!ok) {
            r.put(
                    "accounting_detail",
                    "load generator: issued " + issued + ", succeeded " + succeeded + ", failed " + failedTotal
                            + "; bench in flight " + inFlight + "; arm before " + statsBefore + ", after "
                            + statsAfter);
        }
        List<Map<String, Long>> timeline = new ArrayList<>();
        int last = (int) Math.min(3599, Math.ceil(seconds));
        for (int s = 0; s <= last; s++) {
            timeline.add(Map.of("second", (long) s, "succeeded", okPerSecond.get(s), "failed", failPerSecond.get(s)));
        }
        r.put("timeline", timeline);
        return r;
    }

    /**
     * The accounting check of one arm, from three independent counts: the load generator's (issued,
     * and outcomes it saw), the bench's own in-flight count (up when a command goes into the arm,
     * down when its future completes), and the arm's own counts (a transport's, or the raw
     * baseline's) over the run. Each can disagree with the others, so the check can fail for every arm.
     */
    static boolean accountingOk(
            long issued, long succeeded, long failed, long inFlight, TransportStats before, TransportStats after) {
        return inFlight >= 0
                && issued == succeeded + failed + inFlight
                && after.balanced()
                && after.sent() - before.sent() == issued
                && after.succeeded() - before.succeeded() == succeeded
                && after.failedTotal() - before.failedTotal() == failed
                && after.inFlight() - before.inFlight() == inFlight;
    }

    private static Map<String, Object> ratios(List<Map<String, Object>> results) {
        Map<String, Double> tput = new LinkedHashMap<>();
        Map<String, Double> good = new LinkedHashMap<>();
        for (Map<String, Object> r : results) {
            tput.put((String) r.get("arm"), (Double) r.get("throughput_per_s"));
            good.put((String) r.get("arm"), (Double) r.get("goodput_per_s"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        if (tput.containsKey("reliable") && tput.containsKey("raw")) {
            out.put("reliable_vs_raw_throughput", round(tput.get("reliable") / tput.get("raw"), 3));
        }
        if (tput.containsKey("reliable") && tput.containsKey("legacy")) {
            out.put("reliable_vs_legacy_throughput", round(tput.get("reliable") / tput.get("legacy"), 3));
            out.put("reliable_vs_legacy_goodput", round(good.get("reliable") / good.get("legacy"), 3));
        }
        if (good.containsKey("reliable") && good.containsKey("raw")) {
            out.put("reliable_vs_raw_goodput", round(good.get("reliable") / good.get("raw"), 3));
        }
        Double legacyP99 = p99(results, "legacy");
        Double mirrorP99 = p99(results, "mirror");
        if (legacyP99 != null && mirrorP99 != null && legacyP99 > 0) {
            out.put("mirror_vs_legacy_p99", round(mirrorP99 / legacyP99, 3));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Double p99(List<Map<String, Object>> results, String arm) {
        for (Map<String, Object> r : results) {
            if (arm.equals(r.get("arm"))) {
                return (Double) ((Map<String, Object>) r.get("latency_ms")).get("p99");
            }
        }
        return null;
    }

    private static double num(Map<String, Object> r, String key) {
        return ((Number) r.get(key)).doubleValue();
    }

    private void printArm(Map<String, Object> r) {
        @SuppressWarnings("unchecked")
        Map<String, Object> lat = (Map<String, Object>) r.get("latency_ms");
        out().printf(
                        Locale.ROOT,
                        "%-8s %8s cmds  %9.1f cmd/s  success %.4f  p50 %s ms  p99 %s ms  p999 %s ms  max %s ms"
                                + "  retransmit %.4f  dup-applied %s  queue-full %s  cpu/cmd %s us  failed %s  in-flight %s  accounting %s%n",
                        r.get("arm"),
                        r.get("commands"),
                        num(r, "throughput_per_s"),
                        num(r, "success_rate"),
                        lat.get("p50"),
                        lat.get("p99"),
                        lat.get("p999"),
                        lat.get("max"),
                        num(r, "retransmit_rate"),
                        r.get("duplicate_applications"),
                        r.get("queue_full"),
                        r.get("cpu_us_per_command"),
                        r.get("failed_by_reason"),
                        r.get("in_flight_at_end"),
                        (Boolean) r.get("accounting_ok") ? "ok" : "MISMATCH");
        out().flush();
    }

    private static Double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? null : round(h.getValueAtPercentile(percentile) / 1000.0, 3);
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }

    /** Heap used after a full collection, in bytes. */
    static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
