package dev.cync.canary.bench;

import dev.cync.canary.device.NettyTransports;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.sim.SimStats;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;

/**
 * The bench's engine: one simulated fleet (in this process or a child), every arm warmed up, then
 * the same load through each arm in turn, each measured the same way and its accounting checked.
 */
public final class Bench {

    /** Not every simulated device connected within a minute, so no arm was measured. */
    public static final class FleetNotConnected extends Exception {
        private static final long serialVersionUID = 1L;

        FleetNotConnected(int connected, int devices) {
            super("only " + connected + " of " + devices + " devices connected within 60 s");
        }
    }

    private final BenchSettings settings;
    private final Clock clock;

    public Bench(BenchSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Runs every arm against {@code target}, handing each arm's result to {@code eachArm} as it ends. */
    public Map<String, Object> run(BenchTarget target, Consumer<Map<String, Object>> eachArm) throws Exception {
        ScheduledExecutorService timer = Waits.daemonScheduler("bench-load");
        Map<String, Object> report = new LinkedHashMap<>();
        List<Map<String, Object>> results = new ArrayList<>();
        boolean balanced = true;
        int devices = settings.devices();
        try (Fleet fleet = settings.fleetProcess()
                        ? null
                        : new Fleet(
                                        Fleet.Config.defaults("127.0.0.1", target.devicePort(), devices)
                                                .withFaults(settings.faults(), settings.seed())
                                                .withDedup(settings.dedup()),
                                        clock)
                                .start();
                FleetProcess child = settings.fleetProcess()
                        ? FleetProcess.start(
                                settings.jvm(),
                                target.devicePort(),
                                devices,
                                settings.dedup(),
                                settings.faults(),
                                settings.seed(),
                                () -> target.devices().size())
                        : null) {
            if (!Waits.until(() -> target.devices().size() >= devices, Duration.ofSeconds(60), Duration.ofMillis(50))) {
                throw new FleetNotConnected(target.devices().size(), devices);
            }
            List<DeviceId> ids = fleet != null
                    ? fleet.ids()
                    : target.devices().connectedIds().stream().sorted().toList();
            report.put("devices", devices);
            report.put("fleet", fleet != null ? "in this process" : "child process");
            report.put("faults", settings.faults().toString());
            report.put("load", settings.load());
            report.put("commands_per_arm", settings.commands());
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
            if (settings.warmup() > 0) {
                for (Arm arm : settings.arms()) {
                    target.mirrorEveryDevice(arm == Arm.MIRROR);
                    LoadGenerator.Run w = start(
                            new LoadGenerator(clock, new ExecutorScheduler(timer), () -> ids, settings.seed() + 7),
                            sink(arm, target),
                            settings.warmup());
                    Waits.await(w.issuingStopped(), Duration.ofMinutes(5));
                    Waits.await(w.done(), Duration.ofSeconds(5));
                }
            }
            for (Arm arm : settings.arms()) {
                target.mirrorEveryDevice(arm == Arm.MIRROR);
                LoadGenerator.Sink sink = sink(arm, target);
                Transport transport = arm == Arm.RELIABLE ? target.reliable() : arm == Arm.RAW ? null : target.legacy();
                double[] mirrorsBefore = mirrors(target.metrics());
                Map<String, Object> r = measure(arm, sink, transport, target, fleet, timer, ids);
                if (arm == Arm.MIRROR) {
                    Waits.until(() -> target.mirrorsInFlight() == 0, Duration.ofSeconds(5), Duration.ofMillis(20));
                    double[] after = mirrors(target.metrics());
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
                eachArm.accept(r);
            }
        } finally {
            timer.shutdownNow();
        }
        report.put("arms", results);
        report.put("ratios", ratios(results));
        report.put("accounting_ok", balanced);
        return report;
    }

    private static double[] mirrors(Metrics m) {
        return new double[] {
            m.counterValue(Metrics.DARK_LAUNCH, "success"),
            m.counterValue(Metrics.DARK_LAUNCH, "failure"),
            m.counterValue(Metrics.DARK_LAUNCH, "dropped")
        };
    }

    private LoadGenerator.Run start(LoadGenerator gen, LoadGenerator.Sink sink, long n) {
        return settings.rate().isEmpty()
                ? gen.closedLoop(sink, settings.concurrency(), n)
                : gen.openLoop(sink, settings.rate().getAsDouble(), n);
    }

    private LoadGenerator.Sink sink(Arm arm, BenchTarget target) {
        return switch (arm) {
            case RAW -> new RawBaseline(target.devices(), clock, target.deadline());
            case LEGACY -> target.legacy()::send;
            case MIRROR -> target::sendRouted;
            case RELIABLE -> target.reliable()::send;
        };
    }

    private Map<String, Object> measure(
            Arm arm,
            LoadGenerator.Sink sink,
            Transport transport,
            BenchTarget target,
            Fleet fleet,
            ScheduledExecutorService timer,
            List<DeviceId> ids)
            throws InterruptedException {
        Metrics metrics = target.metrics();
        String label = arm == Arm.RELIABLE ? Metrics.NEW : Metrics.LEGACY;
        double retransmitsBefore = transport == null ? 0 : metrics.counterValue(Metrics.RETRANSMIT, label);
        // Every arm's own counts, the raw baseline's included, checked against the load generator's.
        Supplier<TransportStats> armStats = transport != null ? transport::stats : ((RawBaseline) sink)::stats;
        Duration settle = target.deadline().plusSeconds(2);
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
        LoadGenerator.Run run = start(
                new LoadGenerator(clock, new ExecutorScheduler(timer), () -> ids, settings.seed()),
                timed,
                settings.commands());
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
        r.put("arm", arm.label());
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
        double retransmits =
                transport == null ? 0 : metrics.counterValue(Metrics.RETRANSMIT, label) - retransmitsBefore;
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

    private static Double ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? null : round(h.getValueAtPercentile(percentile) / 1000.0, 3);
    }

    static double round(double v, int places) {
        double f = Math.pow(10, places);
        return Math.round(v * f) / f;
    }
}
