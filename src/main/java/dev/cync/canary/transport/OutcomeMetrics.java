package dev.cync.canary.transport;

import dev.cync.canary.metrics.TransportMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.EnumMap;
import java.util.Map;

/**
 * One transport's outcomes as metrics: the {@code outcome}-labelled data point of every
 * {@link Outcome} is looked up once, so the hot path increments a cached counter instead of
 * resolving labels per command. The metric names stay in {@code metrics}; which outcome also feeds
 * the ack-timeout and queue-full counters is decided here, next to the outcomes. Thread-safe: the
 * data points are.
 */
public final class OutcomeMetrics {

    private final TransportMetrics metrics;
    private final Map<Outcome, CounterDataPoint> sent = new EnumMap<>(Outcome.class);

    public OutcomeMetrics(TransportMetrics metrics) {
        this.metrics = metrics;
        for (Outcome o : Outcome.values()) {
            sent.put(o, metrics.sent(o.label()));
        }
    }

    /** Records how one command resolved; {@code latencySeconds} is used for successes only. */
    public void resolved(Outcome outcome, double latencySeconds) {
        sent.get(outcome).inc();
        switch (outcome) {
            case SUCCESS -> metrics.latency(latencySeconds);
            case TIMEOUT, NOT_EXECUTED -> metrics.ackTimeout();
            case QUEUE_FULL -> metrics.queueFull();
            default -> {
                // Counted by outcome only.
            }
        }
    }
}
