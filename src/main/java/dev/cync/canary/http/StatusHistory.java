package dev.cync.canary.http;

import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The status page's charts: every {@code every} (on the injected clock) one sample of the public
 * transport metrics, as rates over the interval since the previous sample, in a ring that keeps the
 * last {@code capacity} samples (an hour by default), so a page opened now shows the last hour.
 * Everything here is derived from {@code /metrics} counters (no device ids), so it is as public as
 * {@code /metrics} itself.
 *
 * <p>Thread-safety: {@link #sample} runs on the scheduler's thread, {@link #view} on HTTP threads;
 * both hold this object's lock, briefly (a scrape happens before taking it).
 */
public final class StatusHistory {

    private static final Logger log = LoggerFactory.getLogger(StatusHistory.class);

    /** The default sampling: every 5 s for an hour. */
    public static final Duration EVERY = Duration.ofSeconds(5);

    public static final int CAPACITY = 720;
    /** The outcome label of a command the device received but did not carry out (docs/design.md rule 2). */
    static final String NOT_EXECUTED = "not_executed";

    private static final List<String> TRANSPORTS = List.of(Metrics.LEGACY, Metrics.NEW);

    /** One transport over one interval; null values mean "no commands in that interval" (a gap, not a zero). */
    public record Point(
            double commandsPerSecond,
            Double successRate,
            Double p50Ms,
            Double p99Ms,
            double retransmitsPerSecond,
            double notExecutedPerSecond,
            double queueFullPerSecond) {}

    /** One sample: when, its sequence number, and each transport's point. */
    public record Sample(
            long seq,
            Instant at,
            double intervalSeconds,
            Map<String, Point> transports,
            double canaryPercentage,
            double connectedDevices) {}

    /** The cumulative counters of one transport at one scrape. */
    record Totals(
            double commands,
            double successes,
            double retransmits,
            double notExecuted,
            double queueFull,
            double[] bounds,
            long[] buckets) {}

    private final Metrics metrics;
    private final Clock clock;
    private final Duration every;
    private final int capacity;
    private final ArrayDeque<Sample> ring;
    private Map<String, Totals> previous;
    private long previousNanos;
    private long seq;
    /** Samples skipped because the scrape failed; touched by the sampling thread only. */
    private long skipped;

    public StatusHistory(Metrics metrics, Clock clock, Duration every, int capacity) {
        if (every.isNegative() || every.isZero() || capacity < 2) {
            throw new IllegalArgumentException("status history needs a positive interval and at least 2 samples");
        }
        this.metrics = metrics;
        this.clock = clock;
        this.every = every;
        this.capacity = capacity;
        this.ring = new ArrayDeque<>(capacity);
    }

    /** Takes the first reading now and a sample every interval after it. */
    public Scheduler.Cancellable start(Scheduler scheduler) {
        sampleOrSkip();
        return scheduler.scheduleAtFixedRate(this::sampleOrSkip, every);
    }

    /**
     * One sample; a scrape that fails (a metric callback that throws) skips this one and keeps the
     * previous reading, so the next sample covers both intervals. A periodic task that threw would
     * never run again, and the charts would stop for good.
     */
    void sampleOrSkip() {
        try {
            sample();
        } catch (RuntimeException e) {
            skipped++;
            if (skipped == 1 || skipped % 100 == 0) {
                log.warn("status page sample skipped ({} so far): {}", skipped, e.toString());
            }
        }
    }

    /** Takes one reading; from the second on, appends the sample of the interval since the previous reading. */
    public void sample() {
        MetricSnapshots snapshots = metrics.scrape();
        long now = clock.nanoTime();
        Instant at = clock.instant();
        Map<String, Totals> totals = new LinkedHashMap<>();
        for (String t : TRANSPORTS) {
            totals.put(t, totals(snapshots, t));
        }
        double canary = gauge(snapshots, Metrics.CANARY_PERCENTAGE);
        double connected = gauge(snapshots, Metrics.CONNECTED_DEVICES);
        synchronized (this) {
            if (previous != null && now > previousNanos) {
                double seconds = (now - previousNanos) / 1e9;
                Map<String, Point> points = new LinkedHashMap<>();
                for (String t : TRANSPORTS) {
                    points.put(t, point(previous.get(t), totals.get(t), seconds));
                }
                if (ring.size() == capacity) {
                    ring.removeFirst();
                }
                ring.addLast(new Sample(++seq, at, seconds, points, canary, connected));
            }
            previous = totals;
            previousNanos = now;
        }
    }

    /** The samples after sequence number {@code after} (0: all of them), oldest first. */
    public synchronized List<Sample> since(long after) {
        List<Sample> out = new ArrayList<>();
        for (Sample s : ring) {
            if (s.seq() > after) {
                out.add(s);
            }
        }
        return out;
    }

    /** The JSON view: the sampling interval, the newest sequence number, and the samples after {@code after}. */
    public Map<String, Object> view(long after) {
        List<Sample> samples = since(after);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("every_seconds", every.toMillis() / 1000.0);
        v.put("capacity", capacity);
        synchronized (this) {
            v.put("seq", seq);
        }
        List<Map<String, Object>> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            Map<String, Object> sv = new LinkedHashMap<>();
            sv.put("seq", s.seq());
            sv.put("at", s.at().toString());
            sv.put("canary_percentage", s.canaryPercentage());
            sv.put("connected", s.connectedDevices());
            for (Map.Entry<String, Point> e : s.transports().entrySet()) {
                Point p = e.getValue();
                Map<String, Object> pv = new LinkedHashMap<>();
                pv.put("commands_per_second", round(p.commandsPerSecond()));
                pv.put("success_rate", p.successRate() == null ? null : Math.round(p.successRate() * 1e6) / 1e6);
                pv.put("p50_ms", p.p50Ms() == null ? null : round(p.p50Ms()));
                pv.put("p99_ms", p.p99Ms() == null ? null : round(p.p99Ms()));
                pv.put("retransmits_per_second", round(p.retransmitsPerSecond()));
                pv.put("not_executed_per_second", round(p.notExecutedPerSecond()));
                pv.put("queue_full_per_second", round(p.queueFullPerSecond()));
                sv.put(e.getKey(), pv);
            }
            out.add(sv);
        }
        v.put("samples", out);
        return v;
    }

    private static double round(double d) {
        return Math.round(d * 100) / 100.0;
    }

    static Point point(Totals before, Totals after, double seconds) {
        double commands = Math.max(0, after.commands() - before.commands());
        double successes = Math.max(0, after.successes() - before.successes());
        long[] delta = new long[after.buckets().length];
        if (before.buckets().length == delta.length) {
            for (int i = 0; i < delta.length; i++) {
                delta[i] = Math.max(0, after.buckets()[i] - before.buckets()[i]);
            }
        }
        return new Point(
                commands / seconds,
                commands == 0 ? null : successes / commands,
                quantileMs(after.bounds(), delta, 0.50),
                quantileMs(after.bounds(), delta, 0.99),
                Math.max(0, after.retransmits() - before.retransmits()) / seconds,
                Math.max(0, after.notExecuted() - before.notExecuted()) / seconds,
                Math.max(0, after.queueFull() - before.queueFull()) / seconds);
    }

    /**
     * The q-quantile of one interval's latencies in milliseconds, interpolated linearly inside its
     * bucket as Prometheus' {@code histogram_quantile} does; the last finite bound when it falls in
     * +Inf; null with no observations.
     */
    static Double quantileMs(double[] bounds, long[] counts, double q) {
        long total = 0;
        for (long c : counts) {
            total += c;
        }
        if (total == 0) {
            return null;
        }
        double rank = q * total;
        long cumulative = 0;
        for (int i = 0; i < counts.length; i++) {
            long next = cumulative + counts[i];
            if (next >= rank && counts[i] > 0) {
                if (Double.isInfinite(bounds[i])) {
                    return 1000 * (i == 0 ? 0 : bounds[i - 1]);
                }
                double lower = i == 0 ? 0 : bounds[i - 1];
                return 1000 * (lower + (bounds[i] - lower) * (rank - cumulative) / counts[i]);
            }
            cumulative = next;
        }
        return 1000 * bounds[bounds.length - 1];
    }

    private static Totals totals(MetricSnapshots snapshots, String transport) {
        double commands = 0;
        double successes = 0;
        double notExecuted = 0;
        double retransmits = 0;
        double queueFull = 0;
        double[] bounds = new double[0];
        long[] buckets = new long[0];
        for (MetricSnapshot s : snapshots) {
            String name = s.getMetadata().getPrometheusName();
            if (s instanceof CounterSnapshot c) {
                for (var dp : c.getDataPoints()) {
                    if (!transport.equals(dp.getLabels().get(Metrics.TRANSPORT))) {
                        continue;
                    }
                    if (name.equals(base(Metrics.PACKET_SENT))) {
                        String outcome = dp.getLabels().get(Metrics.OUTCOME);
                        commands += dp.getValue();
                        if (Metrics.SUCCESS.equals(outcome)) {
                            successes += dp.getValue();
                        } else if (NOT_EXECUTED.equals(outcome)) {
                            notExecuted += dp.getValue();
                        }
                    } else if (name.equals(base(Metrics.RETRANSMIT))) {
                        retransmits += dp.getValue();
                    } else if (name.equals(base(Metrics.QUEUE_FULL))) {
                        queueFull += dp.getValue();
                    }
                }
            } else if (s instanceof HistogramSnapshot h && name.equals(Metrics.PACKET_LATENCY)) {
                for (var dp : h.getDataPoints()) {
                    if (transport.equals(dp.getLabels().get(Metrics.TRANSPORT))) {
                        ClassicHistogramBuckets b = dp.getClassicBuckets();
                        bounds = new double[b.size()];
                        buckets = new long[b.size()];
                        for (int i = 0; i < b.size(); i++) {
                            bounds[i] = b.getUpperBound(i);
                            buckets[i] = b.getCount(i);
                        }
                    }
                }
            }
        }
        return new Totals(commands, successes, retransmits, notExecuted, queueFull, bounds, buckets);
    }

    private static double gauge(MetricSnapshots snapshots, String name) {
        for (MetricSnapshot s : snapshots) {
            if (s instanceof GaugeSnapshot g
                    && s.getMetadata().getPrometheusName().equals(name)) {
                double sum = 0;
                for (var dp : g.getDataPoints()) {
                    sum += dp.getValue();
                }
                return sum;
            }
        }
        return 0;
    }

    private static String base(String counter) {
        return counter.substring(0, counter.length() - "_total".length());
    }
}
