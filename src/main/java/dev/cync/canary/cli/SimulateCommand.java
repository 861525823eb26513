package dev.cync.canary.cli;

import dev.cync.canary.sim.Fleet;
import dev.cync.canary.support.Durations;
import dev.cync.canary.time.SystemClock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cync-canary simulate}: a simulated fleet against a running controller. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description =
                "Run a simulated device fleet against a controller, with optional network faults. Each device is a"
                        + " real TCP (or TLS) client: it says hello, heartbeats, acknowledges commands and broadcasts its status."
                        + " Stops on Ctrl-C, or after --duration.")
final class SimulateCommand implements Callable<Integer> {

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT",
            defaultValue = "127.0.0.1:23778",
            description = "Where the controller's device port is, as host and port" + " (default: ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--tls", description = "Connect with TLS (use the controller's TLS port).")
    boolean tls;

    @Option(
            names = "--devices",
            paramLabel = "N",
            defaultValue = "1000",
            description = "Devices to simulate (default ${DEFAULT-VALUE}).")
    int devices;

    @Option(
            names = "--heartbeat",
            paramLabel = "DURATION",
            defaultValue = "20s",
            description = "Heartbeat interval (default ${DEFAULT-VALUE}).")
    String heartbeat;

    @Option(names = "--no-dedup", description = "Devices apply repeated commands again (to show what dedup prevents).")
    boolean noDedup;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            description = "Stop after this long (default: run until Ctrl-C).")
    String duration;

    @Mixin
    FaultOptions faults;

    @Override
    public Integer call() throws Exception {
        int colon = server.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--server must be HOST:PORT, got '" + server + "'");
        }
        String host = server.substring(0, colon);
        int port = Integer.parseInt(server.substring(colon + 1));
        Fleet.Config config = Fleet.Config.defaults(host, port, devices)
                .withFaults(faults.faults(), faults.seed)
                .withTls(tls)
                .withDedup(!noDedup)
                .withHeartbeat(Durations.parse(heartbeat));
        try (ShutdownGate gate = new ShutdownGate();
                Fleet fleet = new Fleet(config, SystemClock.utc()).start()) {
            gate.await(duration == null ? null : Durations.parse(duration));
        }
        return 0;
    }
}
