package dev.cync.canary.transport;

import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.metrics.TransportMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single place where a transport's commands are counted in and resolved, so every outcome is
 * recorded the same way: counters, metrics, listeners, then the caller's future. Thread-safe.
 *
 * <p>Accounting: in flight is counted on its own (up on send, down on resolve), not derived, so
 * sent = succeeded + failed + in flight is a real check: a command resolved twice or never shows
 * up as a mismatch or as a count that never drains. The three counts change together under one
 * lock (uncontended in practice: a few tens of nanoseconds per command), so a snapshot is
 * consistent at any instant, under load too.
 */
final class OutcomeRecorder {

    private static final Logger log = LoggerFactory.getLogger(OutcomeRecorder.class);

    private final TransportKind kind;
    private final TransportMetrics metrics;
    private final OutcomeMetrics outcomes;
    private final Object lock = new Object();
    private long sent;
    private long inFlight;
    private final long[] resolved = new long[Outcome.values().length];
    private final LongAdder doubleResolutions = new LongAdder();
    private final OutcomeListeners listeners = new OutcomeListeners();

    OutcomeRecorder(TransportKind kind, TransportMetrics metrics) {
        this.kind = kind;
        this.metrics = metrics;
        this.outcomes = new OutcomeMetrics(metrics);
    }

    TransportMetrics metrics() {
        return metrics;
    }

    void sent() {
        synchronized (lock) {
            sent++;
            inFlight++;
        }
    }

    /**
     * Counts a command in and finds its endpoint's session; when the transport is closed, the
     * target was never reported ({@code unknown_target}: nothing is sent) or the endpoint is not
     * connected, resolves the command at once and returns null. {@code command} is resolved
     * ({@link Targets#resolve}) by the caller.
     */
    DeviceSession admit(
            DeviceCommand command, CompletableFuture<CommandOutcome> future, boolean closed, DeviceRegistry registry) {
        sent();
        if (closed) {
            resolve(future, command, Outcome.SHUTDOWN, 0, 0);
            return null;
        }
        DeviceSession session = command.deviceId() == null ? null : registry.find(command.deviceId());
        if (command.deviceId() != null && (session == null || !session.isOpen())) {
            resolve(future, command, Outcome.DISCONNECTED, 0, 0);
            return null;
        }
        if (!command.resolved()) {
            resolve(future, command, Outcome.UNKNOWN_TARGET, 0, 0);
            return null;
        }
        if (session == null || !session.isOpen()) {
            resolve(future, command, Outcome.DISCONNECTED, 0, 0);
            return null;
        }
        return session;
    }

    /** Counts in and fails a command that a fault in front of the transport lost (see {@link Transport#failInjected}). */
    CompletableFuture<CommandOutcome> injected(DeviceCommand command, Outcome outcome, Duration latency) {
        if (outcome == Outcome.SUCCESS) {
            throw new IllegalArgumentException("an injected fault fails a command; success comes from the device");
        }
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        sent();
        resolve(future, command, outcome, 1, latency.toNanos());
        return future;
    }

    void addListener(Consumer<CommandOutcome> listener) {
        listeners.add(listener);
    }

    /** Resolves a command. Callers guarantee one call per command. */
    void resolve(
            CompletableFuture<CommandOutcome> future,
            DeviceCommand command,
            Outcome outcome,
            int attempts,
            long latencyNanos) {
        if (future.isDone()) {
            doubleResolutions.increment();
            log.error(
                    "{} command for {} resolved twice ({} after {}); the second outcome is ignored",
                    kind.label(),
                    command.deviceId(),
                    outcome.label(),
                    future.getNow(null));
            return;
        }
        synchronized (lock) {
            inFlight--;
            resolved[outcome.ordinal()]++;
        }
        outcomes.resolved(outcome, latencyNanos / 1e9);
        CommandOutcome result = new CommandOutcome(command, kind, outcome, attempts, Duration.ofNanos(latencyNanos));
        listeners.dispatch(result);
        future.complete(result);
    }

    TransportStats stats() {
        Map<Outcome, Long> failed = new EnumMap<>(Outcome.class);
        synchronized (lock) {
            for (Outcome o : Outcome.values()) {
                if (o != Outcome.SUCCESS) {
                    failed.put(o, resolved[o.ordinal()]);
                }
            }
            return new TransportStats(
                    sent, resolved[Outcome.SUCCESS.ordinal()], failed, inFlight, doubleResolutions.sum());
        }
    }
}
