package dev.cync.canary.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.concurrent.atomic.LongAdder;

/**
 * One transport's metrics with its data points looked up once, so the hot path increments a
 * cached counter instead of resolving labels per command (the per-outcome points are cached by
 * the transport's {@code OutcomeMetrics}). Thread-safe: the data points are.
 */
public final class TransportMetrics {

    private final String label;
    private final Metrics metrics;
    private final DistributionDataPoint latency;
    private final CounterDataPoint retransmit;
    private final CounterDataPoint ackTimeout;
    private final CounterDataPoint idempotentDrop;
    private final CounterDataPoint queueFull;
    private final LongAdder queued = new LongAdder();

    TransportMetrics(Metrics m, String label) {
        this.label = label;
        this.metrics = m;
        latency = m.packetLatency.labelValues(label);
        retransmit = m.retransmit.labelValues(label);
        ackTimeout = m.ackTimeout.labelValues(label);
        idempotentDrop = m.idempotentDrop.labelValues(label);
        queueFull = m.queueFull.labelValues(label);
    }

    public String label() {
        return label;
    }

    /**
     * The {@code tcp_comm_packet_sent_total} data point of this transport and {@code outcome}
     * (the outcome labels are the transport's: {@code transport.Outcome}); callers look it up once.
     */
    public CounterDataPoint sent(String outcome) {
        return metrics.packetSent.labelValues(label, outcome);
    }

    /** A success's latency, from send to the device's execution ack. */
    public void latency(double seconds) {
        latency.observe(seconds);
    }

    /** A command that failed because no acknowledgement came before its deadline. */
    public void ackTimeout() {
        ackTimeout.inc();
    }

    /** A command refused or dropped because a bounded queue was full. */
    public void queueFull() {
        queueFull.inc();
    }

    public void retransmitted() {
        retransmit.inc();
    }

    public void idempotentDrop() {
        idempotentDrop.inc();
    }

    /** Adjusts the send-queue gauge by {@code delta} commands. */
    public void queued(int delta) {
        queued.add(delta);
    }

    public long queueSize() {
        return queued.sum();
    }
}
