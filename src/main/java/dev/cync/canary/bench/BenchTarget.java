package dev.cync.canary.bench;

import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What the bench needs from a running controller, and nothing more: the composition root builds
 * and starts the controller and adapts it to this (the bench may not use the composition root's
 * package, which uses the bench).
 */
public interface BenchTarget {

    /** The connected devices: the raw arm writes to their sessions, the bench waits for their count. */
    DeviceRegistry devices();

    /** The plaintext device port, which the simulated fleet connects to. */
    int devicePort();

    /** {@code ReliableTransport}'s deadline: the raw arm's too, and the bound of every settling wait. */
    Duration deadline();

    /** The {@code legacy} arm. */
    Transport legacy();

    /** The {@code reliable} arm: {@code ReliableTransport} without the router. */
    Transport reliable();

    /** One command through the canary router and its dark-launch sender (the {@code mirror} arm). */
    CompletableFuture<CommandOutcome> sendRouted(DeviceCommand command);

    /** Mirrored copies sent and not yet resolved. */
    int mirrorsInFlight();

    /**
     * Routes every device to the legacy transport (0%) and turns dark launch on for every device
     * ({@code true}) or off; a change is a routing change like any other, logged and audited.
     */
    void mirrorEveryDevice(boolean on);

    /** The controller's metrics: the bench reads the retransmit and dark-launch counters. */
    Metrics metrics();
}
