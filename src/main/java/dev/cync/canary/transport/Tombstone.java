package dev.cync.canary.transport;

import dev.cync.canary.device.AckWaiter;
import dev.cync.canary.metrics.TransportMetrics;

/**
 * Stands in a quarantined sequence slot after its command resolved: late or repeated execution
 * acks of that command are counted as idempotent drops, not as unmatched; receipts are ignored.
 */
final class Tombstone implements AckWaiter {

    private final TransportMetrics metrics;

    Tombstone(TransportMetrics metrics) {
        this.metrics = metrics;
    }

    /** A receipt after the command resolved is normal (it follows the execution ack): ignored. */
    @Override
    public void onAck(long nowNanos) {}

    @Override
    public boolean onExecuted(int opcode, long nowNanos) {
        metrics.idempotentDrop();
        return true;
    }

    @Override
    public void onConnectionClosed() {
        // Nothing was waiting.
    }
}
