package dev.cync.canary.cli;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.http.AdminAuth;
import dev.cync.canary.sim.Fleet;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.sim.LossyTransport;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Waits;
import dev.cync.canary.time.ExecutorScheduler;
import dev.cync.canary.time.ScaledClock;
import dev.cync.canary.time.SystemClock;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cync-canary demo}: the controller with an embedded simulated fleet under steady load. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the controller with an embedded simulated fleet and a steady command load. Commands go through"
                        + " the canary router, starting from the flags in the state directory (and the CANARY_* environment);"
                        + " set-canary and rollback against it visibly move traffic. Prints one summary line per transport every"
                        + " few seconds and serves the status page (its address is printed on start), /metrics and the admin API."
                        + " The rollout plan runs on a sped-up clock (--time-scale, a day per minute by default), so its stages"
                        + " advance while you watch; --fault-at 3d makes the new transport lose commands from then on, to watch"
                        + " the automatic rollback. --mqtt tcp://HOST:1883 attaches the simulated devices to that MQTT broker:"
                        + " Home Assistant (with MQTT discovery) shows each as a light or switch, and switching one sends a real"
                        + " command through the canary router. Stops cleanly on Ctrl-C, or after --duration.")
final class DemoCommand implements Callable<Integer> {

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
            names = "--rate",
            paramLabel = "PER_SECOND",
            defaultValue = "1000",
            description = "Commands per second, Poisson arrivals (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--time-scale",
            paramLabel = "N",
            defaultValue = "1440",
            description =
                    "How much faster than real time the rollout and its SLO windows run (default ${DEFAULT-VALUE}: a day per minute).")
    double timeScale;

    @Option(names = "--no-rollout", description = "Do not run the rollout plan; flags change only by hand.")
    boolean noRollout;

    @Option(
            names = "--fault-at",
            paramLabel = "DURATION",
            description = "Virtual time at which the new transport starts losing commands (like 3d).")
    String faultAt;

    @Option(
            names = "--fault-loss",
            paramLabel = "RATE",
            defaultValue = "0.5",
            description = "Share of the new transport's commands lost from --fault-at (default ${DEFAULT-VALUE}).")
    double faultLoss;

    @Option(
            names = "--summary-every",
            paramLabel = "DURATION",
            defaultValue = "5s",
            description = "Summary interval (default ${DEFAULT-VALUE}).")
    String summaryEvery;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "Stop after this long (default: run until Ctrl-C).")
    String duration;

    @Option(
            names = "--mqtt",
            paramLabel = "URL",
            description =
                    "MQTT broker for Home Assistant (tcp://host:1883 or ssl://host:8883); overrides mqtt.broker of the config file.")
    String mqtt;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The config file's mqtt settings with the broker of {@code --mqtt}; a bad URL is one line naming the option. */
    static ControllerConfig withBroker(ControllerConfig config, String url) {
        try {
            return config.withMqtt(config.mqtt().withBroker(url));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--mqtt " + url + ": " + e.getMessage());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SystemClock clock = SystemClock.utc();
        ControllerConfig loaded = ControllerOptions.rollout(options.load(), !noRollout);
        ControllerConfig config = mqtt == null ? loaded : withBroker(loaded, mqtt);
        Duration every = Durations.parse(summaryEvery);
        ScheduledExecutorService timer = Waits.daemonScheduler("demo-timer");
        ScheduledExecutorService virtualTimer = Waits.daemonScheduler("demo-virtual-time");
        ScaledClock virtual = new ScaledClock(clock, timeScale, virtualTimer);
        LossyTransport[] lossy = new LossyTransport[1];
        Duration faultTime = faultAt == null ? null : Durations.parse(faultAt);
        if (!(faultLoss >= 0 && faultLoss <= 1)) {
            throw new IllegalArgumentException("--fault-loss must be from 0 to 1, got " + faultLoss);
        }
        try (ShutdownGate gate = new ShutdownGate();
                CompositionRoot controller = new CompositionRoot(
                                config,
                                clock,
                                System.getenv(),
                                virtual,
                                virtual,
                                t -> lossy[0] = new LossyTransport(
                                        t, faults.seed, config.reliable().deadline()),
                                options.resetState,
                                DurableFiles.DISK)
                        .start(true)
                        .withSimulatedTypes(devices);
                Fleet fleet = new Fleet(
                                Fleet.Config.defaults(
                                                "127.0.0.1",
                                                controller.devices().plainPort(),
                                                devices)
                                        .withFaults(faults.faults(), faults.seed),
                                clock)
                        .start()) {
            Summary summary = new Summary(controller.metrics(), controller.legacy(), controller.reliable());
            LoadGenerator load = new LoadGenerator(
                    clock, new ExecutorScheduler(timer), controller.devices().registry()::connectedIds, faults.seed);
            LoadGenerator.Sink sink = controller.sender()::send;
            int port = controller.http().port();
            out.printf(
                    "demo: %d simulated devices, %.0f commands/s through the canary router (%s)%n",
                    devices, rate, controller.flags().current().summary());
            out.printf(
                    "demo: status page on http://127.0.0.1:%d/ (admin token: %s)%n",
                    port,
                    System.getenv(AdminAuth.ENV) != null
                            ? "$" + AdminAuth.ENV
                            : controller.stateDir().resolve(AdminAuth.FILE));
            if (controller.mqtt() != null) {
                out.printf(
                        "demo: Home Assistant bridge to %s: discovery under %s/, state and commands under %s/%n",
                        controller.config().mqtt().broker(),
                        controller.config().mqtt().discoveryPrefix(),
                        controller.config().mqtt().baseTopic());
            }
            out.printf("demo: metrics on http://127.0.0.1:%d/metrics; move traffic with%n", port);
            out.printf(
                    "        bin/cync-canary set-canary 25 --reason 'demo' --url http://127.0.0.1:%d --state-dir %s%n",
                    port, controller.stateDir());
            out.printf(
                    "      and take it back with%n        bin/cync-canary rollback --reason 'demo' --url http://127.0.0.1:%d --state-dir %s%n",
                    port, controller.stateDir());
            out.flush();
            if (faultTime != null) {
                virtual.schedule(
                        () -> {
                            lossy[0].loss(faultLoss);
                            out.printf(
                                    "demo: FAULT at virtual %s: the new transport now loses %.0f%% of its commands%n",
                                    Durations.format(faultTime), 100 * faultLoss);
                            out.flush();
                        },
                        faultTime);
            }
            LoadGenerator.Run run = load.openLoop(sink, rate, 0);
            long start = clock.nanoTime();
            timer.scheduleAtFixedRate(
                    () -> {
                        long elapsed = TimeUnit.NANOSECONDS.toSeconds(clock.nanoTime() - start);
                        out.print(summary.lines(elapsed, every.toNanos() / 1e9));
                        if (controller.rollout() != null) {
                            var st = controller.rollout().state();
                            out.printf(
                                    "        virtual %s: stage %s, %s; %s; auto-rollback check: %s%n",
                                    RehearseCommand.at(RehearseCommand.EPOCH.plusNanos(
                                            virtual.nanoTime() / 60_000_000_000L * 60_000_000_000L)),
                                    controller.rollout().stage().name(),
                                    st.status().name().toLowerCase(),
                                    controller.flags().current().summary(),
                                    controller.rollout().lastAutoCheck());
                        }
                        out.flush();
                    },
                    every.toNanos(),
                    every.toNanos(),
                    TimeUnit.NANOSECONDS);
            gate.await(duration == null ? null : Durations.parse(duration));
            timer.shutdownNow();
            run.stop();
            Waits.await(run.done(), Duration.ofSeconds(3));
            out.printf("demo: stopped after %d commands%n", run.issued());
            out.flush();
        } finally {
            timer.shutdownNow();
            virtualTimer.shutdownNow();
        }
        return 0;
    }
}
