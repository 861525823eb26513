package dev.cync.canary.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * One transport's metrics with every data point looked up once, so the hot path increments a
 * cached counter instead of resolving labels per command. Thread-safe: the data points are.
 */
public final class TransportMetrics {

    /** How a command resolved; the label value of {@code outcome}. */
    public enum Outcome {
        SUCCESS("success"),
        TIMEOUT("timeout"),
        WRITE_ERROR("write_error"),
        DISCONNECTED("disconnected"),
        QUEUE_FULL("queue_full"),
        REJECTED("rejected"),
        SHUTDOWN("shutdown"),
        /** The device sent its receipt but no execution ack before the deadline: it did not do it. */
        NOT_EXECUTED("not_executed"),
        /** No connection reported the target mesh id: nothing was sent. */
        UNKNOWN_TARGET("unknown_target");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final String label;
    private final Map<Outcome, CounterDataPoint> sent = new EnumMap<>(Outcome.class);
    private final DistributionDataPoint latency;
    private final CounterDataPoint retransmit;
    private final CounterDataPoint ackTimeout;
    private final CounterDataPoint idempotentDrop;
    private final CounterDataPoint queueFull;
    private final LongAdder queued = new LongAdder();

    TransportMetrics(Metrics m, String label) {
        this.label = label;
        for (Outcome o : Outcome.values()) {
            sent.put(o, m.packetSent.labelValues(label, o.label()));
        }
        latency = m.packetLatency.labelValues(label);
        retransmit = m.retransmit.labelValues(label);
        ackTimeout = m.ackTimeout.labelValues(label);
        idempotentDrop = m.idempotentDrop.labelValues(label);
        queueFull = m.queueFull.labelValues(label);
    }

    public String label() {
        return label;
    }

    /** Records how one command resolved; {@code latencySeconds} is used for successes only. */
    public void resolved(Outcome outcome, double latencySeconds) {
        sent.get(outcome).inc();
        if (outcome == Outcome.SUCCESS) {
            latency.observe(latencySeconds);
        } else if (outcome == Outcome.TIMEOUT || outcome == Outcome.NOT_EXECUTED) {
            ackTimeout.inc();
        } else if (outcome == Outcome.QUEUE_FULL) {
            queueFull.inc();
        }
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
