package dev.cync.canary.sim;

import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Transport;
import dev.cync.canary.transport.TransportKind;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A fault on one transport for the demo: from the moment {@link #loss} is set, that share of its
 * commands is lost on the way (they fail as {@code timeout}, as an unanswered command would);
 * the rest go through the real transport. A lost command is resolved through the real transport's
 * own outcome recording ({@link Transport#failInjected}), so its metrics, its listeners (the demo
 * summary, the SLO windows) and its accounting see the loss exactly as they see a real failure.
 * Thread-safe: the random draw is under this object's lock.
 */
public final class LossyTransport implements Transport {

    private final Transport delegate;
    private final Random random;
    private final Duration deadline;
    private volatile double loss;

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
        }
        return drop ? delegate.failInjected(command, Outcome.TIMEOUT, deadline) : delegate.send(command);
    }

    @Override
    public CompletableFuture<CommandOutcome> failInjected(DeviceCommand command, Outcome outcome, Duration latency) {
        return delegate.failInjected(command, outcome, latency);
    }

    @Override
    public void addOutcomeListener(Consumer<CommandOutcome> listener) {
        delegate.addOutcomeListener(listener);
    }

    @Override
    public TransportStats stats() {
        return delegate.stats();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
