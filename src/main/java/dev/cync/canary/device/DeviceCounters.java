package dev.cync.canary.device;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.protocol.DecodeError;
import java.util.concurrent.atomic.LongAdder;

/** The device server's fleet-wide counts, fed by every connection's handlers and read by Prometheus. Thread-safe. */
final class DeviceCounters implements SessionEvents {

    private final Metrics metrics;
    private final LongAdder packetsReceived = new LongAdder();
    private final LongAdder decodeErrors = new LongAdder();
    private final LongAdder unmatchedAcks = new LongAdder();
    private final LongAdder ambiguousAcks = new LongAdder();

    DeviceCounters(Metrics metrics) {
        this.metrics = metrics;
        metrics.counter(
                Metrics.UNMATCHED_ACKS,
                "Receipts (0x7B) and execution acks that matched no command sent on their connection.",
                unmatchedAcks::sum);
        metrics.counter(
                Metrics.AMBIGUOUS_ACKS,
                "Execution acks ignored because the receipt sent with them names another"
                        + " command waiting for the same answer (the inner sequence byte is outside the checksum).",
                ambiguousAcks::sum);
        // The one count of received packets: the SLO windows read it, and so does Prometheus.
        metrics.counter(Metrics.PACKETS_RECEIVED, "Whole packets received from devices.", packetsReceived::sum);
    }

    /** A decode error of the framing layer (the decoder's listener): counted in the rate and by reason. */
    void decodeError(DecodeError reason) {
        decodeErrors.increment();
        metrics.decodeError(reason.label());
    }

    @Override
    public void packetReceived() {
        packetsReceived.increment();
    }

    @Override
    public void badChecksum() {
        decodeError(DecodeError.BAD_CHECKSUM);
    }

    @Override
    public void unmatchedAck() {
        unmatchedAcks.increment();
    }

    @Override
    public void ambiguousAck() {
        ambiguousAcks.increment();
    }

    long packetsReceived() {
        return packetsReceived.sum();
    }

    long decodeErrors() {
        return decodeErrors.sum();
    }

    long unmatchedAcks() {
        return unmatchedAcks.sum();
    }

    long ambiguousAcks() {
        return ambiguousAcks.sum();
    }
}
