package dev.cync.canary.transport;

import java.time.Duration;

/**
 * How one command resolved: exactly one per command (docs/design.md rule 3). Success means the device
 * acknowledged it before the deadline, for both transports (rule 2).
 *
 * @param attempts how many times it was written (0 if it never left the queue)
 * @param latency from {@code send} to the acknowledgement, or to the failure
 */
public record CommandOutcome(
        DeviceCommand command, TransportKind transport, Outcome outcome, int attempts, Duration latency) {

    public boolean succeeded() {
        return outcome == Outcome.SUCCESS;
    }
}
