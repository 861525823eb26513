package dev.cync.canary.sim;

import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Power commands to random connected devices, through whatever sink the caller gives (a
 * transport, the router). Open loop: Poisson arrivals at a target rate, issued by a 1 ms tick on
 * the injected scheduler (arrivals due by a tick are issued in it). Closed loop: a fixed number of
 * commands outstanding, each outcome issuing the next: the maximum the sink sustains.
 */
public final class LoadGenerator {

    /** Where commands go. */
    public interface Sink extends Function<DeviceCommand, CompletableFuture<CommandOutcome>> {}

    private final Clock clock;
    private final Scheduler scheduler;
    private final Supplier<List<DeviceId>> targets;
    private final Random random;

    public LoadGenerator(Clock clock, Scheduler scheduler, Supplier<List<DeviceId>> targets, long seed) {
        this.clock = clock;
        this.scheduler = scheduler;
        this.targets = targets;
        this.random = new Random(seed);
    }

    /** Starts an open-loop run: {@code ratePerSecond} on average, {@code maxCommands} in all (0: until stopped). */
    public Run openLoop(Sink sink, double ratePerSecond, long maxCommands) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException(
                    "--rate must be a positive number of commands per second, got " + ratePerSecond);
        }
        Run run = new Run(sink, maxCommands);
        double meanGapNanos = 1e9 / ratePerSecond;
        long[] next = {clock.nanoTime()};
        run.ticker = scheduler.scheduleAtFixedRate(
                () -> {
                    long now = clock.nanoTime();
                    List<DeviceId> ids = run.refreshTargets();
                    while (next[0] <= now && !run.stopped) {
                        if (!run.issue(ids)) {
                            break;
                        }
                        next[0] += (long) (-Math.log(1 - random.nextDouble()) * meanGapNanos);
                    }
                },
                Duration.ofMillis(1));
        return run;
    }

    /** Starts a closed-loop run with {@code concurrency} commands outstanding, {@code maxCommands} in all. */
    public Run closedLoop(Sink sink, int concurrency, long maxCommands) {
        if (concurrency < 1) {
            throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
        Run run = new Run(sink, maxCommands);
        run.closedLoop = true;
        List<DeviceId> ids = run.refreshTargets();
        for (int i = 0; i < concurrency; i++) {
            if (!run.issue(ids)) {
                break;
            }
        }
        return run;
    }

    /** One run of commands, and what became of them. Thread-safe. */
    public final class Run {
        private final Sink sink;
        private final long maxCommands;
        private final AtomicLong issued = new AtomicLong();
        private final Map<Outcome, LongAdder> outcomes = new EnumMap<>(Outcome.class);
        private final LongAdder attempts = new LongAdder();
        private final Recorder latencyMicros = new Recorder(3);
        private final Histogram total = new Histogram(3);
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private final CompletableFuture<Void> issuing = new CompletableFuture<>();
        private final long startNanos = clock.nanoTime();
        private final AtomicLong lastOutcomeNanos = new AtomicLong(startNanos);
        private volatile List<DeviceId> cachedTargets;
        private volatile long targetsAt = Long.MIN_VALUE;
        private volatile boolean stopped;
        private boolean closedLoop;
        private Scheduler.Cancellable ticker;

        Run(Sink sink, long maxCommands) {
            this.sink = sink;
            this.maxCommands = maxCommands;
            for (Outcome o : Outcome.values()) {
                outcomes.put(o, new LongAdder());
            }
        }

        List<DeviceId> refreshTargets() {
            long now = clock.nanoTime();
            if (cachedTargets == null || now - targetsAt > TimeUnit.SECONDS.toNanos(1)) {
                cachedTargets = targets.get();
                targetsAt = now;
            }
            return cachedTargets;
        }

        boolean issue(List<DeviceId> ids) {
            if (stopped || ids.isEmpty()) {
                return false;
            }
            long n = issued.incrementAndGet();
            if (maxCommands > 0 && n > maxCommands) {
                issued.decrementAndGet();
                stopIssuing();
                return false;
            }
            DeviceId target = ids.get(random.nextInt(ids.size()));
            sink.apply(DeviceCommand.power(target, random.nextBoolean())).whenComplete((o, e) -> resolved(o));
            return true;
        }

        private void resolved(CommandOutcome o) {
            if (o != null) {
                outcomes.get(o.outcome()).increment();
                attempts.add(o.attempts());
                if (o.succeeded()) {
                    latencyMicros.recordValue(Math.max(1, o.latency().toNanos() / 1000));
                }
            }
            lastOutcomeNanos.accumulateAndGet(clock.nanoTime(), Math::max);
            if (closedLoop && !stopped) {
                issue(refreshTargets());
            }
            if (stopped && resolvedCount() >= issued.get()) {
                done.complete(null);
            }
        }

        private void stopIssuing() {
            stopped = true;
            issuing.complete(null);
            if (ticker != null) {
                ticker.cancel();
            }
            if (resolvedCount() >= issued.get()) {
                done.complete(null);
            }
        }

        /** Stops issuing; commands already issued still resolve. */
        public void stop() {
            stopIssuing();
        }

        /** Completes when the last command has been issued (or the run was stopped). */
        public CompletableFuture<Void> issuingStopped() {
            return issuing;
        }

        /** Completes when issuing has stopped and every issued command has resolved. */
        public CompletableFuture<Void> done() {
            return done;
        }

        public long issued() {
            return issued.get();
        }

        public long resolvedCount() {
            long s = 0;
            for (LongAdder a : outcomes.values()) {
                s += a.sum();
            }
            return s;
        }

        public Map<Outcome, Long> outcomes() {
            Map<Outcome, Long> m = new EnumMap<>(Outcome.class);
            outcomes.forEach((k, v) -> m.put(k, v.sum()));
            return m;
        }

        public long attempts() {
            return attempts.sum();
        }

        /** Latencies (microseconds) of successes since the last call; also added to {@link #latencies}. */
        public synchronized Histogram intervalLatencies() {
            Histogram h = latencyMicros.getIntervalHistogram();
            total.add(h);
            return h;
        }

        /** Latencies (microseconds) of all successes so far. */
        public synchronized Histogram latencies() {
            total.add(latencyMicros.getIntervalHistogram());
            return total.copy();
        }

        /** From the start to the last outcome. */
        public Duration elapsed() {
            return Duration.ofNanos(lastOutcomeNanos.get() - startNanos);
        }
    }
}
