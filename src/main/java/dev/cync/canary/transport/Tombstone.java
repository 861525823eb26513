package dev.cync.canary.transport;

import dev.cync.canary.device.AckWaiter;
import dev.cync.canary.metrics.TransportMetrics;

/** Stands in a sequence slot after its command resolved: a late or repeated ack is an idempotent drop. */
final class Tombstone implements AckWaiter {

    private final TransportMetrics metrics;

    Tombstone(TransportMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onAck(long nowNanos) {
        metrics.idempotentDrop();
    }

    @Override
    public void onConnectionClosed() {
        // Nothing was waiting.
    }
}
