package dev.cync.canary.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.app.ControllerConfig;
import dev.cync.canary.bench.Arm;
import dev.cync.canary.bench.Bench;
import dev.cync.canary.bench.BenchReport;
import dev.cync.canary.bench.BenchReport.ArmResult;
import dev.cync.canary.bench.BenchSettings;
import dev.cync.canary.bench.ChildJvm;
import dev.cync.canary.bench.MemoryBench;
import dev.cync.canary.bench.MemoryReport;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.SystemClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cync-canary bench}: one process, one simulated fleet, the same load through each arm in
 * turn (raw baseline, legacy, reliable), measured the same way. The options and the printing live
 * here; the measuring is {@link Bench}'s, against the controller this command starts.
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
        List<Arm> parsed = new ArrayList<>();
        for (String arm : arms) {
            parsed.add(Arm.parse(arm)
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--arms: unknown arm '" + arm + "'; use raw, legacy, reliable and/or mirror")));
        }
        if (commands < 1) {
            throw new IllegalArgumentException("--commands must be at least 1, got " + commands);
        }
        SystemClock clock = SystemClock.utc();
        if (memory) {
            try (CompositionRoot controller = new CompositionRoot(controllerConfig(), clock, Map.of()).start(false)) {
                MemoryReport r = new MemoryBench(new ChildJvm(Main.class.getName()), devices)
                        .run(new ControllerBenchTarget(controller));
                out().println(mapper.writeValueAsString(r));
                out().flush();
                return r.allConnected() ? 0 : 1;
            }
        }
        BenchSettings settings = new BenchSettings(
                devices,
                commands,
                warmup != null ? warmup : commands / 5,
                rate == null ? OptionalDouble.empty() : OptionalDouble.of(rate),
                concurrency != null ? concurrency : devices * 2,
                parsed,
                !noDedup,
                fleetProcess,
                faults.faults(),
                faults.seed,
                new ChildJvm(Main.class.getName()));
        BenchReport report;
        try (CompositionRoot controller = new CompositionRoot(controllerConfig(), clock, Map.of()).start(true)) {
            report = new Bench(settings, clock).run(new ControllerBenchTarget(controller), r -> {
                if (!json) {
                    out().println(line(r));
                    out().flush();
                }
            });
        } catch (Bench.FleetNotConnected e) {
            out().println("bench: " + e.getMessage());
            out().flush();
            return 1;
        }
        boolean balanced = report.accountingOk();
        if (json) {
            out().println(mapper.writeValueAsString(report));
        } else {
            out().println("ratios: " + report.ratios());
            out().println(
                            balanced
                                    ? "accounting: every arm adds up"
                                    : "accounting: MISMATCH (see accounting_ok per arm)");
        }
        out().flush();
        return balanced ? 0 : 1;
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private ControllerConfig controllerConfig() throws IOException {
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

    /** One arm's line of the human-readable output. */
    static String line(ArmResult r) {
        return String.format(
                Locale.ROOT,
                "%-8s %8s cmds  %9.1f cmd/s  success %.4f  p50 %s ms  p99 %s ms  p999 %s ms  max %s ms"
                        + "  retransmit %.4f  dup-applied %s  queue-full %s  cpu/cmd %s us  failed %s  in-flight %s  accounting %s",
                r.arm().label(),
                r.commands(),
                r.throughputPerSecond(),
                r.successRate(),
                r.latency().p50(),
                r.latency().p99(),
                r.latency().p999(),
                r.latency().max(),
                r.retransmitRate(),
                r.duplicateApplications(),
                r.queueFull(),
                r.cpuMicrosPerCommand(),
                r.failedByReason(),
                r.inFlightAtEnd(),
                r.accountingOk() ? "ok" : "MISMATCH");
    }
}
