package dev.cync.canary.cli;

import dev.cync.canary.sim.Faults;
import dev.cync.canary.support.Durations;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The fault flags shared by {@code simulate}, {@code demo} and {@code bench}. */
final class FaultOptions {

    @Option(
            names = "--latency-ms",
            paramLabel = "MS",
            description = "Delay added to every packet, each direction (default 0).")
    long latencyMs;

    @Option(
            names = "--jitter-ms",
            paramLabel = "MS",
            description = "Random extra delay up to this, each direction (default 0).")
    long jitterMs;

    @Option(names = "--loss", paramLabel = "RATE", description = "Share of packets lost, 0 to 1, each direction.")
    double loss;

    @Option(
            names = "--duplicate",
            paramLabel = "RATE",
            description = "Share of packets delivered twice, 0 to 1, each direction.")
    double duplicate;

    @Option(
            names = "--reorder",
            paramLabel = "RATE",
            description = "Share of packets held back so later ones overtake them, 0 to 1.")
    double reorder;

    @Option(
            names = "--corrupt",
            paramLabel = "RATE",
            description = "Share of packets with a byte flipped, 0 to 1, each direction.")
    double corrupt;

    @Option(
            names = "--not-executed",
            paramLabel = "RATE",
            description = "Share of commands the devices send receipts for"
                    + " but never carry out, however often resent, 0 to 1 (default 0).")
    double notExecuted;

    @Option(
            names = "--partition-at",
            paramLabel = "DURATION",
            description = "When to cut devices off, after the fleet starts (like 10s).")
    String partitionAt;

    @Option(
            names = "--partition-for",
            paramLabel = "DURATION",
            defaultValue = "10s",
            description = "How long cut-off devices stay away (default ${DEFAULT-VALUE}).")
    String partitionFor;

    @Option(
            names = "--partition-share",
            paramLabel = "RATE",
            defaultValue = "1.0",
            description = "Share of devices cut off (default ${DEFAULT-VALUE}).")
    double partitionShare;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "1",
            description = "Seed of every random choice of the fleet and the load (default ${DEFAULT-VALUE}).")
    long seed;

    Faults faults() {
        if (latencyMs < 0 || jitterMs < 0) {
            throw new IllegalArgumentException("--latency-ms and --jitter-ms must not be negative");
        }
        return new Faults(
                Duration.ofMillis(latencyMs),
                Duration.ofMillis(jitterMs),
                loss,
                duplicate,
                reorder,
                corrupt,
                Optional.ofNullable(partitionAt).map(s -> parse("--partition-at", s)),
                parse("--partition-for", partitionFor),
                partitionShare,
                notExecuted);
    }

    private static Duration parse(String flag, String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
