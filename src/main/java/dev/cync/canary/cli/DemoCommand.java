package dev.cync.canary.cli;

import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.time.Durations;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.SystemClock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cync-canary demo}: the controller with an embedded simulated fleet under steady load. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the controller with an embedded simulated fleet and a steady command load.",
            "Commands go through the canary router, starting from the flags in the state directory (and the",
            "CANARY_* environment); set-canary and rollback against it visibly move traffic. Prints one",
            "summary line per transport every few seconds and serves /metrics and the admin API.",
            "Stops cleanly on Ctrl-C, or after --duration."})
final class DemoCommand implements Callable<Integer> {

    @Mixin
    ControllerOptions options;

    @Mixin
    FaultOptions faults;

    @Option(names = "--devices", paramLabel = "N", defaultValue = "1000", description = "Simulated devices (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "200", description = "Commands per second, Poisson arrivals (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--summary-every", paramLabel = "DURATION", defaultValue = "5s", description = "Summary interval (default ${DEFAULT-VALUE}).")
    String summaryEvery;

    @Option(names = "--duration", paramLabel = "DURATION", description = "Stop after this long (default: run until Ctrl-C).")
    String duration;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SystemClock clock = SystemClock.utc();
        ControllerConfig config = options.load();
        Duration every = Durations.parse(summaryEvery);
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "demo-timer");
            t.setDaemon(true);
            return t;
        });
        try (Controller controller = new Controller(config, clock, System.getenv()).start(true);
                Fleet fleet = new Fleet(Fleet.Config.defaults("127.0.0.1", controller.devices.plainPort(), devices)
                        .withFaults(faults.faults(), faults.seed), clock).start()) {
            Summary summary = new Summary(controller.metrics, controller.legacy, controller.reliable);
            LoadGenerator load = new LoadGenerator(clock, new ExecutorScheduler(timer),
                    controller.devices.registry()::connectedIds, faults.seed);
            LoadGenerator.Sink sink = controller.sender::send;
            int port = controller.http().port();
            out.printf("demo: %d simulated devices, %.0f commands/s through the canary router (%s)%n", devices, rate,
                    controller.flags.current().summary());
            out.printf("demo: metrics on http://127.0.0.1:%d/metrics; move traffic with%n", port);
            out.printf("        bin/cync-canary set-canary 25 --reason 'demo' --url http://127.0.0.1:%d --state-dir %s%n", port,
                    controller.stateDir());
            out.printf("      and take it back with%n        bin/cync-canary rollback --reason 'demo' --url http://127.0.0.1:%d --state-dir %s%n",
                    port, controller.stateDir());
            out.flush();
            LoadGenerator.Run run = load.openLoop(sink, rate, 0);
            long start = clock.nanoTime();
            timer.scheduleAtFixedRate(() -> {
                long elapsed = TimeUnit.NANOSECONDS.toSeconds(clock.nanoTime() - start);
                out.print(summary.lines(elapsed, every.toNanos() / 1e9));
                out.flush();
            }, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
            Waits.forShutdown(duration == null ? null : Durations.parse(duration));
            timer.shutdownNow();
            run.stop();
            Waits.await(run.done(), Duration.ofSeconds(3));
            out.printf("demo: stopped after %d commands%n", run.issued());
            out.flush();
        } finally {
            timer.shutdownNow();
        }
        return 0;
    }
}
