package dev.cync.canary.bench;

import dev.cync.canary.sim.Faults;
import dev.cync.canary.support.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * {@code bench --fleet-process}: the simulated fleet in a child JVM (the same jar's {@code simulate},
 * with the bench's devices, seed, dedup and faults), so the bench's own JVM holds the controller
 * alone: its heap, its collector's pauses and its threads are the controller's, as in production.
 * The two processes still share the machine's cores. The child's duplicate counts stay in the
 * child, so an arm's {@code duplicate_applications} is reported as unknown in this mode.
 */
final class FleetProcess implements AutoCloseable {

    /** The child's heap: the fleet keeps little (a few KB per device) and allocates per packet. */
    static final String HEAP = "-Xmx1g";

    private final Process child;

    private FleetProcess(Process child) {
        this.child = child;
    }

    /**
     * Starts the fleet against {@code port} and waits until {@code connected} reports every device
     * (or 60 s pass: the caller checks the count).
     */
    static FleetProcess start(
            ChildJvm jvm, int port, int devices, boolean dedup, Faults f, long seed, IntSupplier connected)
            throws Exception {
        FleetProcess fleet =
                new FleetProcess(jvm.simulate(List.of("-Xms1g", HEAP), arguments(port, devices, dedup, f, seed)));
        try {
            Waits.until(
                    () -> connected.getAsInt() >= devices || !fleet.child.isAlive(),
                    Duration.ofSeconds(60),
                    Duration.ofMillis(50));
        } catch (InterruptedException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    /** The child's {@code simulate} flags: the same fleet, seed and faults as the bench's own flags. */
    static List<String> arguments(int port, int devices, boolean dedup, Faults f, long seed) {
        List<String> args = new ArrayList<>(List.of(
                "--server",
                "127.0.0.1:" + port,
                "--devices",
                String.valueOf(devices),
                "--heartbeat",
                "20s",
                "--seed",
                String.valueOf(seed),
                "--latency-ms",
                String.valueOf(f.latency().toMillis()),
                "--jitter-ms",
                String.valueOf(f.jitter().toMillis()),
                "--loss",
                rate(f.loss()),
                "--duplicate",
                rate(f.duplicate()),
                "--reorder",
                rate(f.reorder()),
                "--corrupt",
                rate(f.corrupt()),
                "--not-executed",
                rate(f.notExecuted()),
                "--partition-for",
                millis(f.partitionFor()),
                "--partition-share",
                rate(f.partitionShare())));
        f.partitionAt().ifPresent(at -> args.addAll(List.of("--partition-at", millis(at))));
        if (!dedup) {
            args.add("--no-dedup");
        }
        return args;
    }

    private static String rate(double r) {
        return String.format(Locale.ROOT, "%s", r);
    }

    /** Milliseconds, which the duration syntax reads back exactly. */
    private static String millis(Duration d) {
        return d.toMillis() + "ms";
    }

    @Override
    public void close() throws InterruptedException {
        child.destroy();
        child.waitFor();
    }
}
