package dev.cync.canary.cli;

import java.nio.file.Path;
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
    static FleetProcess start(int port, int devices, boolean dedup, FaultOptions f, IntSupplier connected)
            throws Exception {
        String java = ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "-Xms1g",
                HEAP,
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "simulate",
                "--server",
                "127.0.0.1:" + port,
                "--devices",
                String.valueOf(devices),
                "--heartbeat",
                "20s",
                "--seed",
                String.valueOf(f.seed),
                "--latency-ms",
                String.valueOf(f.latencyMs),
                "--jitter-ms",
                String.valueOf(f.jitterMs),
                "--loss",
                rate(f.loss),
                "--duplicate",
                rate(f.duplicate),
                "--reorder",
                rate(f.reorder),
                "--corrupt",
                rate(f.corrupt),
                "--not-executed",
                rate(f.notExecuted),
                "--partition-for",
                f.partitionFor,
                "--partition-share",
                rate(f.partitionShare)));
        if (f.partitionAt != null) {
            cmd.addAll(List.of("--partition-at", f.partitionAt));
        }
        if (!dedup) {
            cmd.add("--no-dedup");
        }
        Process child = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        FleetProcess fleet = new FleetProcess(child);
        try {
            Waits.until(
                    () -> connected.getAsInt() >= devices || !child.isAlive(),
                    Duration.ofSeconds(60),
                    Duration.ofMillis(50));
        } catch (InterruptedException e) {
            fleet.close();
            throw e;
        }
        return fleet;
    }

    private static String rate(double r) {
        return String.format(Locale.ROOT, "%s", r);
    }

    @Override
    public void close() throws InterruptedException {
        child.destroy();
        child.waitFor();
    }
}
