package dev.cync.canary.sim;

import dev.cync.canary.time.Clock;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.OutcomeListeners;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportKind;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A transport made of dice, for rehearsals: each command succeeds with the scenario's probability
 * at that virtual moment, with a log-normal latency; slower than the deadline counts as a timeout.
 * Outcomes resolve at once (the rehearsal's clock stands still while a minute's commands are sent).
 *
 * <p>Concurrency: thread-safe. The draw and the counts change under this object's lock; the outcome
 * listeners ({@link OutcomeListeners}, as for the real transports) are told after it is released.
 */
public final class ModelledTransport implements Transport {

    private final TransportKind kind;
    private final Scenario scenario;
    private final Clock clock;
    private final Instant start;
    private final Random random;
    private final long deadlineNanos;
    private final OutcomeListeners listeners = new OutcomeListeners();
    private final Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
    private long sent;

    public ModelledTransport(
            TransportKind kind, Scenario scenario, Clock clock, Instant start, long seed, Duration deadline) {
        this.kind = kind;
        this.scenario = scenario;
        this.clock = clock;
        this.start = start;
        this.random = new Random(seed);
        this.deadlineNanos = deadline.toNanos();
        for (Outcome o : Outcome.values()) {
            counts.put(o, 0L);
        }
    }

    @Override
    public TransportKind kind() {
        return kind;
    }

    @Override
    public CompletableFuture<CommandOutcome> send(DeviceCommand command) {
        CommandOutcome o = draw(command);
        listeners.dispatch(o);
        return CompletableFuture.completedFuture(o);
    }

    /** Draws and counts one command's outcome under the lock; the listeners hear of it after. */
    private synchronized CommandOutcome draw(DeviceCommand command) {
        sent++;
        Scenario.Model m = scenario.model(kind.label(), Duration.between(start, clock.instant()));
        long latency = (long) (Math.exp(m.mu() + m.sigma() * random.nextGaussian()) * 1e6);
        boolean ok = random.nextDouble() < m.success() && latency <= deadlineNanos;
        CommandOutcome o = new CommandOutcome(
                command,
                kind,
                ok ? Outcome.SUCCESS : Outcome.TIMEOUT,
                1,
                Duration.ofNanos(ok ? latency : deadlineNanos));
        counts.merge(o.outcome(), 1L, Long::sum);
        return o;
    }

    @Override
    public CompletableFuture<CommandOutcome> failInjected(DeviceCommand command, Outcome outcome, Duration latency) {
        CommandOutcome o = new CommandOutcome(command, kind, outcome, 1, latency);
        synchronized (this) {
            sent++;
            counts.merge(outcome, 1L, Long::sum);
        }
        listeners.dispatch(o);
        return CompletableFuture.completedFuture(o);
    }

    @Override
    public void addOutcomeListener(Consumer<CommandOutcome> listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized TransportStats stats() {
        Map<Outcome, Long> failed = new EnumMap<>(counts);
        long ok = failed.remove(Outcome.SUCCESS);
        return new TransportStats(sent, ok, failed, 0, 0);
    }

    @Override
    public void close() {}
}
