package dev.cync.canary.transport;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A way to send commands to devices. {@link #send} never throws and never blocks; its future
 * resolves exactly once, possibly on a device event loop, so callers must not block in callbacks.
 */
public interface Transport extends AutoCloseable {

    TransportKind kind();

    CompletableFuture<CommandOutcome> send(DeviceCommand command);

    /** Sees every outcome as it resolves (metrics, SLO windows, per-device history). */
    void addOutcomeListener(Consumer<CommandOutcome> listener);

    /**
     * Resolves {@code command} as failed with {@code outcome} without sending it, through this
     * transport's own outcome recording (counts, metrics, listeners), exactly as if the transport
     * had failed it: for a fault injected in front of it (the demo's {@code LossyTransport}), so
     * the summary, the metrics, the SLO windows and the accounting all see the injected failures.
     */
    CompletableFuture<CommandOutcome> failInjected(DeviceCommand command, Outcome outcome, Duration latency);

    /** Counts since start, for the accounting check sent = succeeded + failed + in flight. */
    TransportStats stats();

    /** Refuses new commands with {@code shutdown}; commands already sent still resolve. */
    @Override
    void close();
}
