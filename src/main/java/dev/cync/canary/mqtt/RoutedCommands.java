package dev.cync.canary.mqtt;

import dev.cync.canary.routing.CanarySender;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import java.util.concurrent.CompletableFuture;

/**
 * The bridge's {@link DeviceCommands} through the canary sender: a command from Home Assistant is
 * resolved, routed by its endpoint, sent on the transport the router chose, judged by the
 * execution ack and counted exactly like a command from the API or the load generator.
 */
public final class RoutedCommands implements DeviceCommands {

    /** The bridge's word for an outcome that succeeded (the transports' label is {@code success}). */
    static final String EXECUTED = "executed";

    private final CanarySender sender;

    public RoutedCommands(CanarySender sender) {
        this.sender = sender;
    }

    @Override
    public CompletableFuture<CommandResult> power(int meshId, boolean on) {
        return send(DeviceCommand.power(meshId, on));
    }

    @Override
    public CompletableFuture<CommandResult> brightness(int meshId, int percent) {
        return send(DeviceCommand.brightness(meshId, percent));
    }

    @Override
    public CompletableFuture<CommandResult> colorTemp(int meshId, int temp) {
        return send(DeviceCommand.colorTemp(meshId, temp));
    }

    @Override
    public CompletableFuture<CommandResult> rgb(int meshId, int red, int green, int blue) {
        return send(DeviceCommand.rgb(meshId, red, green, blue));
    }

    private CompletableFuture<CommandResult> send(DeviceCommand command) {
        try {
            return sender.send(command).thenApply(RoutedCommands::result);
        } catch (RuntimeException e) {
            // The port promises never to throw: the bridge counts and logs a failed future.
            return CompletableFuture.failedFuture(e);
        }
    }

    static CommandResult result(CommandOutcome o) {
        return new CommandResult(
                o.succeeded(),
                o.succeeded() ? EXECUTED : o.outcome().label(),
                o.transport().label());
    }
}
