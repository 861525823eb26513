package dev.cync.canary.cli;

import dev.cync.canary.app.CompositionRoot;
import dev.cync.canary.bench.BenchTarget;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Transport;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** A started {@link CompositionRoot} as the bench sees it. */
record ControllerBenchTarget(CompositionRoot controller) implements BenchTarget {

    @Override
    public DeviceRegistry devices() {
        return controller.devices().registry();
    }

    @Override
    public int devicePort() {
        return controller.devices().plainPort();
    }

    @Override
    public Duration deadline() {
        return controller.config().reliable().deadline();
    }

    @Override
    public Transport legacy() {
        return controller.legacy();
    }

    @Override
    public Transport reliable() {
        return controller.reliable();
    }

    @Override
    public CompletableFuture<CommandOutcome> sendRouted(DeviceCommand command) {
        return controller.sender().send(command);
    }

    @Override
    public int mirrorsInFlight() {
        return controller.sender().mirrorsInFlight();
    }

    @Override
    public void mirrorEveryDevice(boolean on) {
        if (controller.flags().current().darkLaunch() != on) {
            controller.flags().setPercentage("bench", 0, "bench arm");
            controller.flags().darkLaunch("bench", on, 10_000, "bench mirror arm");
        }
    }

    @Override
    public Metrics metrics() {
        return controller.metrics();
    }
}
