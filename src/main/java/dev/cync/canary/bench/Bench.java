package dev.cync.canary.bench;

import dev.cync.canary.bench.BenchReport.ArmResult;
import dev.cync.canary.bench.BenchReport.Latency;
import dev.cync.canary.bench.BenchReport.Machine;
import dev.cync.canary.bench.BenchReport.Mirrors;
import dev.cync.canary.device.NettyTransports;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.sim.SimStats;
import dev.cync.canary.support.Waits;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;

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
    public BenchReport run(BenchTarget target, Consumer<ArmResult> eachArm) throws Exception {
        ScheduledExecutorService timer = Waits.daemonScheduler("bench-load");
        List<ArmResult> results = new ArrayList<>();
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
                double[] mirrorsBefore = mirrors(target.metrics());
                ArmResult r = measure(arm, target, fleet, timer, ids);
                if (arm == Arm.MIRROR) {
                    Waits.until(() -> target.mirrorsInFlight() == 0, Duration.ofSeconds(5), Duration.ofMillis(20));
                    double[] after = mirrors(target.metrics());
                    r = r.withMirrors(new Mirrors(
                            (long) (after[0] - mirrorsBefore[0]), (long) (after[1] - mirrorsBefore[1]), (long)
                                    (after[2] - mirrorsBefore[2])));
                }
                results.add(r);
                eachArm.accept(r);
            }
            return new BenchReport(
                    devices,
                    fleet != null ? "in this process" : "child process",
                    settings.faults().toString(),
                    settings.load(),
                    settings.commands(),
                    NettyTransports.name(),
                    Machine.current(),
                    results);
        } finally {
            timer.shutdownNow();
        }
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

    private ArmResult measure(
            Arm arm, BenchTarget target, Fleet fleet, ScheduledExecutorService timer, List<DeviceId> ids)
            throws InterruptedException {
        LoadGenerator.Sink sink = sink(arm, target);
        Transport transport = arm == Arm.RELIABLE ? target.reliable() : arm == Arm.RAW ? null : target.legacy();
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
        PerSecond perSecond = new PerSecond();
        LoadGenerator.Sink timed = c -> {
            inFlightCounted.incrementAndGet();
            return sink.apply(c).whenComplete((o, e) -> {
                inFlightCounted.decrementAndGet();
                perSecond.resolved(clock.nanoTime() - armStart, o != null && o.succeeded());
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
        long cpuAfter = BenchCpu.processCpuNanos();
        SimStats.Snapshot sim = fleet == null ? null : fleet.stats().snapshot().minus(simBefore);
        double retransmits =
                transport == null ? 0 : metrics.counterValue(Metrics.RETRANSMIT, label) - retransmitsBefore;
        Duration elapsed = run.elapsed();
        return new ArmResult(
                arm,
                issued,
                succeeded,
                failed,
                inFlight,
                Latency.of(run.latencies()),
                (long) retransmits,
                sim == null ? null : sim.duplicateApplications(),
                sim == null ? null : sim.duplicatesSuppressed(),
                cpuBefore < 0 || cpuAfter < 0 ? -1 : cpuAfter - cpuBefore,
                outcomes.get(Outcome.QUEUE_FULL),
                elapsed,
                ok,
                ok
                        ? null
                        : "load generator: issued " + issued + ", succeeded " + succeeded + ", failed " + failedTotal
                                + "; bench in flight " + inFlight + "; arm before " + statsBefore + ", after "
                                + statsAfter,
                perSecond.timeline(elapsed.toNanos() / 1e9),
                null);
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
}
