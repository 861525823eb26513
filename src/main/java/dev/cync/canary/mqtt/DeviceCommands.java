package dev.cync.canary.mqtt;

import java.util.concurrent.CompletableFuture;

/**
 * The bridge's way to send commands to devices: one method per command of the transport's
 * {@code DeviceCommand} factories, each sent through the canary router ({@code CanarySender.send}),
 * so a command from Home Assistant is routed, judged and counted like any other. Methods never
 * block or throw; each future completes exactly once, possibly on a device I/O thread.
 */
public interface DeviceCommands {

    CompletableFuture<CommandResult> power(int meshId, boolean on);

    /** @param percent 0..100 */
    CompletableFuture<CommandResult> brightness(int meshId, int percent);

    /** @param temp 0 (warmest) .. 100 (coolest), the device's scale */
    CompletableFuture<CommandResult> colorTemp(int meshId, int temp);

    CompletableFuture<CommandResult> rgb(int meshId, int red, int green, int blue);

    /**
     * How one command resolved.
     *
     * @param executed true when the device's execution ack arrived (outcome {@code executed})
     * @param reason {@code executed}, or the failure reason ({@code not_executed}, {@code timeout}, ...)
     * @param transport the transport the router chose: {@code legacy} or {@code new}
     */
    record CommandResult(boolean executed, String reason, String transport) {}
}
