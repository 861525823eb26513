package dev.cync.canary.transport;

import dev.cync.canary.device.AckWaiter;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.metrics.TransportMetrics;
import dev.cync.canary.metrics.TransportMetrics.Outcome;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import io.netty.util.AttributeKey;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The new command path. Per device: a bounded send queue with an overflow policy, at most
 * {@code maxInFlight} commands on the wire, each matched to its 0x7B by the 7-byte key and sent
 * again on an attempt timeout, until an ack or the overall deadline.
 *
 * <p>Attempt timeouts adapt to the device: the first is the device's retransmission timeout (RTO)
 * from its smoothed round trip (RFC 6298; a device not yet measured borrows the fleet's estimate),
 * each later one is {@code backoffMultiplier} times longer, with jitter that only lengthens it, capped at {@code maxRto}
 * and at the deadline. Only acks of commands sent once are timed (Karn's rule: an ack after a
 * retransmission cannot say which copy it answers). Retransmissions reuse the command's key, so
 * the device applies it once and any copy's ack completes it; acks that come after the command
 * resolved are counted as idempotent drops.
 *
 * <p>Threading: a device's queue and in-flight commands live on its connection's event loop; no
 * locks. {@link #send} hops there.
 */
public final class ReliableTransport implements Transport {

    private static final AttributeKey<Lane> LANE = AttributeKey.valueOf("cync.reliable.lane");

    private final ReliableConfig config;
    private final DeviceRegistry registry;
    private final Clock clock;
    private final OutcomeRecorder recorder;
    private final TransportMetrics metrics;
    private final AckWaiter tombstone;
    private final RttEstimator.FleetRtt fleetRtt = new RttEstimator.FleetRtt();
    private final long deadlineNanos;
    private volatile boolean closed;

    public ReliableTransport(ReliableConfig config, DeviceRegistry registry, Clock clock, Metrics metrics) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.metrics = metrics.transport(TransportKind.NEW.label());
        this.recorder = new OutcomeRecorder(TransportKind.NEW, this.metrics);
        this.tombstone = new Tombstone(this.metrics);
        this.deadlineNanos = config.deadline().toNanos();
    }

    @Override
    public TransportKind kind() {
        return TransportKind.NEW;
    }

    @Override
    public CompletableFuture<CommandOutcome> send(DeviceCommand command) {
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        long now = clock.nanoTime();
        DeviceSession session = recorder.admit(command, future, closed, registry);
        if (session == null) {
            return future;
        }
        session.execute(() -> lane(session).enqueue(new Pending(command, future, now)));
        return future;
    }

    private Lane lane(DeviceSession session) {
        return session.attachment(LANE, () -> new Lane(session));
    }

    /** One command from send to outcome. Confined to its lane's event loop. */
    private final class Pending implements AckWaiter {
        final DeviceCommand command;
        final CompletableFuture<CommandOutcome> future;
        final long start;
        final long deadlineAt;
        Lane lane;
        int seq = -1;
        int attempts;
        long lastSentAtNanos;
        Scheduler.Cancellable timer;
        boolean blocked;
        boolean done;

        Pending(DeviceCommand command, CompletableFuture<CommandOutcome> future, long start) {
            this.command = command;
            this.future = future;
            this.start = start;
            this.deadlineAt = start + deadlineNanos;
        }

        @Override
        public void onAck(long nowNanos) {
            if (done) {
                metrics.idempotentDrop();
                return;
            }
            if (attempts == 1) {
                long rtt = nowNanos - lastSentAtNanos;
                lane.rtt.sample(rtt);
                fleetRtt.sample(rtt);
            }
            lane.session.confirmPower(command.on());
            lane.finish(this, Outcome.SUCCESS);
        }

        @Override
        public void onConnectionClosed() {
            lane.finish(this, Outcome.DISCONNECTED);
        }
    }

    /** A device's queue, in-flight commands and round-trip estimate. Confined to its event loop. */
    private final class Lane {
        final DeviceSession session;
        final ArrayDeque<Pending> queue = new ArrayDeque<>();
        final ArrayDeque<Pending> waiting = new ArrayDeque<>();
        final RttEstimator rtt = new RttEstimator();
        int inFlight;
        boolean closed;

        Lane(DeviceSession session) {
            this.session = session;
            session.onClose(this::closed);
            session.onWritable(this::pump);
        }

        void enqueue(Pending p) {
            p.lane = this;
            if (closed || !session.isOpen()) {
                finish(p, Outcome.DISCONNECTED);
                return;
            }
            if (queue.size() >= config.queueCapacity()) {
                switch (config.overflowPolicy()) {
                    case REJECT -> {
                        finish(p, Outcome.QUEUE_FULL);
                        return;
                    }
                    case DROP_OLDEST -> finish(queue.peekFirst(), Outcome.QUEUE_FULL);
                    case BLOCK -> {
                        block(p);
                        return;
                    }
                }
            }
            add(p);
            pump();
        }

        private void add(Pending p) {
            queue.addLast(p);
            metrics.queued(1);
            long left = p.deadlineAt - clock.nanoTime();
            p.timer = session.scheduler().schedule(() -> finish(p, Outcome.TIMEOUT), Duration.ofNanos(left));
        }

        /** BLOCK: wait for room without holding a thread, up to blockTimeout, in a list as bounded as the queue. */
        private void block(Pending p) {
            if (waiting.size() >= config.queueCapacity()) {
                finish(p, Outcome.QUEUE_FULL);
                return;
            }
            p.blocked = true;
            waiting.addLast(p);
            p.timer = session.scheduler().schedule(() -> finish(p, Outcome.QUEUE_FULL), config.blockTimeout());
        }

        /** Moves commands from the queue to the wire while the window, the sequences and the socket allow. */
        void pump() {
            while (inFlight < config.maxInFlight() && !queue.isEmpty() && session.isWritable()) {
                Pending p = queue.peekFirst();
                int seq = session.allocateSequence(p);
                if (seq < 0) {
                    return; // every sequence in flight or quarantined; an ack or a release will pump again
                }
                queue.pollFirst();
                metrics.queued(-1);
                p.timer.cancel();
                p.seq = seq;
                inFlight++;
                transmit(p);
                admitWaiting();
            }
        }

        private void admitWaiting() {
            while (!waiting.isEmpty() && queue.size() < config.queueCapacity()) {
                Pending w = waiting.pollFirst();
                w.timer.cancel();
                w.blocked = false;
                add(w);
            }
        }

        private void transmit(Pending p) {
            long now = clock.nanoTime();
            if (now >= p.deadlineAt) {
                finish(p, Outcome.TIMEOUT);
                return;
            }
            p.attempts++;
            if (p.attempts > 1) {
                metrics.retransmitted();
            }
            p.lastSentAtNanos = now;
            session.write(p.command.toPowerCommand(p.seq).toPacket());
            long wait = Math.min(attemptTimeout(p.attempts), p.deadlineAt - now);
            p.timer = session.scheduler().schedule(() -> attemptTimedOut(p), Duration.ofNanos(wait));
        }

        private void attemptTimedOut(Pending p) {
            if (p.done) {
                return;
            }
            long now = clock.nanoTime();
            if (now >= p.deadlineAt) {
                finish(p, Outcome.TIMEOUT);
            } else if (p.attempts < config.maxAttempts() && session.isOpen()) {
                transmit(p);
            } else {
                // Out of attempts: the last copy may still be answered before the deadline.
                p.timer = session.scheduler().schedule(() -> finish(p, Outcome.TIMEOUT), Duration.ofNanos(p.deadlineAt - now));
            }
        }

        private long attemptTimeout(int attempt) {
            long base = rtt.hasSamples()
                    ? rtt.rtoNanos(config.rtoMargin().toNanos(), config.minRto().toNanos(), config.maxRto().toNanos())
                    : fleetRtt.rtoNanos(config.initialRto().toNanos(), config.rtoMargin().toNanos(),
                            config.minRto().toNanos(), config.maxRto().toNanos());
            double t = base * Math.pow(config.backoffMultiplier(), attempt - 1);
            if (config.jitter() > 0) {
                // Jitter only lengthens: shortening a timeout below the measured round trip would
                // retransmit commands whose ack is on its way.
                t *= 1 + config.jitter() * ThreadLocalRandom.current().nextDouble();
            }
            return (long) Math.min(t, config.maxRto().toNanos());
        }

        void finish(Pending p, Outcome outcome) {
            if (p == null || p.done) {
                return;
            }
            p.done = true;
            if (p.timer != null) {
                p.timer.cancel();
            }
            if (p.seq >= 0) {
                inFlight--;
                if (session.isOpen()) {
                    session.releaseSequence(p.seq, tombstone);
                }
            } else if (p.blocked) {
                waiting.remove(p);
            } else if (queue.remove(p)) {
                metrics.queued(-1);
            }
            recorder.resolve(p.future, p.command, outcome, p.attempts, clock.nanoTime() - p.start);
            if (!closed) {
                pump();
            }
        }

        private void closed() {
            closed = true;
            for (Pending p : queue.toArray(new Pending[0])) {
                finish(p, Outcome.DISCONNECTED);
            }
            for (Pending p : waiting.toArray(new Pending[0])) {
                finish(p, Outcome.DISCONNECTED);
            }
        }
    }

    @Override
    public void addOutcomeListener(Consumer<CommandOutcome> listener) {
        recorder.addListener(listener);
    }

    @Override
    public CompletableFuture<CommandOutcome> failInjected(DeviceCommand command, dev.cync.canary.metrics.TransportMetrics.Outcome outcome,
            java.time.Duration latency) {
        return recorder.injected(command, outcome, latency);
    }

    @Override
    public TransportStats stats() {
        return recorder.stats();
    }

    @Override
    public void close() {
        closed = true;
    }
}
