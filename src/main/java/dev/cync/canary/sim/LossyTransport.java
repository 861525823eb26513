package dev.cync.canary.sim;

import dev.cync.canary.metrics.TransportMetrics.Outcome;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportKind;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A fault on one transport for the demo: from the moment {@link #loss} is set, that share of its
 * commands is lost on the way (they fail as {@code timeout}, as an unanswered command would);
 * the rest go through the real transport. Counted and listened to like the transport itself.
 */
public final class LossyTransport implements Transport {

    private final Transport delegate;
    private final Random random;
    private final Duration deadline;
    private final List<Consumer<CommandOutcome>> listeners = new CopyOnWriteArrayList<>();
    private volatile double loss;
    private long lost;

    public LossyTransport(Transport delegate, long seed, Duration deadline) {
        this.delegate = delegate;
        this.random = new Random(seed);
        this.deadline = deadline;
    }

    /** From now on, this share of commands is lost (0 to 1). */
    public void loss(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("--fault-loss must be from 0 to 1, got " + rate);
        }
        loss = rate;
    }

    @Override
    public TransportKind kind() {
        return delegate.kind();
    }

    @Override
    public CompletableFuture<CommandOutcome> send(DeviceCommand command) {
        boolean drop;
        synchronized (this) {
            drop = loss > 0 && random.nextDouble() < loss;
            if (drop) {
                lost++;
            }
        }
        if (!drop) {
            return delegate.send(command);
        }
        CommandOutcome o = new CommandOutcome(command, kind(), Outcome.TIMEOUT, 1, deadline);
        for (Consumer<CommandOutcome> l : listeners) {
            l.accept(o);
        }
        return CompletableFuture.completedFuture(o);
    }

    @Override
    public void addOutcomeListener(Consumer<CommandOutcome> listener) {
        listeners.add(listener);
        delegate.addOutcomeListener(listener);
    }

    @Override
    public synchronized TransportStats stats() {
        TransportStats s = delegate.stats();
        Map<Outcome, Long> failed = new EnumMap<>(s.failed());
        failed.merge(Outcome.TIMEOUT, lost, Long::sum);
        return new TransportStats(s.sent() + lost, s.succeeded(), failed, s.inFlight(), s.doubleResolutions());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
