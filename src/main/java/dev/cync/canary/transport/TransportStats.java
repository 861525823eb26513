package dev.cync.canary.transport;

import java.util.Map;

/**
 * A transport's counts since start, read consistently. {@code inFlight} is counted on its own, so
 * {@link #balanced} is a real check of docs/design.md rule 3; {@code doubleResolutions} counts commands
 * some code tried to resolve a second time (always 0 unless there is a bug).
 */
public record TransportStats(
        long sent, long succeeded, Map<Outcome, Long> failed, long inFlight, long doubleResolutions) {

    public long failedTotal() {
        return failed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Whether sent = succeeded + failed + in flight, nothing is in flight below zero, and nothing resolved twice. */
    public boolean balanced() {
        return sent == succeeded + failedTotal() + inFlight && inFlight >= 0 && doubleResolutions == 0;
    }
}
