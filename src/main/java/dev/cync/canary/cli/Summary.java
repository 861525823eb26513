package dev.cync.canary.cli;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportKind;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The demo's one line per transport every few seconds: commands/s, success %, p50/p99 latency,
 * retransmit % and queue-full count over the last interval. Fed by the transports' outcome
 * listeners, so it counts every command, whoever sent it.
 */
final class Summary {

    private final Metrics metrics;
    private final Map<TransportKind, Tally> tallies = new EnumMap<>(TransportKind.class);

    private static final class Tally {
        final LongAdder resolved = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder queueFull = new LongAdder();
        final Recorder latencyMicros = new Recorder(3);
        long lastResolved;
        long lastSucceeded;
        long lastQueueFull;
        double lastRetransmits;
    }

    Summary(Metrics metrics, Transport... transports) {
        this.metrics = metrics;
        for (Transport t : transports) {
            Tally tally = new Tally();
            tallies.put(t.kind(), tally);
            t.addOutcomeListener(o -> record(tally, o));
        }
    }

    private static void record(Tally t, CommandOutcome o) {
        t.resolved.increment();
        if (o.succeeded()) {
            t.succeeded.increment();
            t.latencyMicros.recordValue(Math.max(1, o.latency().toNanos() / 1000));
        } else if (o.outcome() == Outcome.QUEUE_FULL) {
            t.queueFull.increment();
        }
    }

    /** The lines for the interval since the last call, {@code seconds} long. */
    String lines(long elapsedSeconds, double seconds) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<TransportKind, Tally> e : tallies.entrySet()) {
            Tally t = e.getValue();
            long resolved = t.resolved.sum();
            long succeeded = t.succeeded.sum();
            long queueFull = t.queueFull.sum();
            double retransmits =
                    metrics.counterValue(Metrics.RETRANSMIT, e.getKey().label());
            long n = resolved - t.lastResolved;
            long ok = succeeded - t.lastSucceeded;
            Histogram h = t.latencyMicros.getIntervalHistogram();
            sb.append(String.format(
                    Locale.ROOT,
                    "[%5ds] %-6s %8.1f cmd/s  success %7s  p50 %8s  p99 %8s  retransmit %6.2f%%  queue-full %d%n",
                    elapsedSeconds,
                    e.getKey().label(),
                    n / seconds,
                    n == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * ok / n),
                    ms(h, 50),
                    ms(h, 99),
                    n == 0 ? 0.0 : 100.0 * (retransmits - t.lastRetransmits) / n,
                    queueFull - t.lastQueueFull));
            t.lastResolved = resolved;
            t.lastSucceeded = succeeded;
            t.lastQueueFull = queueFull;
            t.lastRetransmits = retransmits;
        }
        return sb.toString();
    }

    private static String ms(Histogram h, double percentile) {
        if (h.getTotalCount() == 0) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f ms", h.getValueAtPercentile(percentile) / 1000.0);
    }
}
