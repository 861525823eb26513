package dev.cync.canary.transport;

import dev.cync.canary.device.AckWaiter;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.metrics.TransportMetrics;
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
 * {@code maxInFlight} commands on the wire, each sent again (the same bytes) on an attempt timeout
 * until its execution ack (class f9, its opcode and inner sequence, on its connection) or the
 * deadline. The 0x7B receipt is an RTT sample and proof the device is reachable, not success: a
 * command with receipts and no execution ack fails as {@code not_executed} at the deadline.
 *
 * <p>Attempt timeouts adapt to the device: the first is the device's retransmission timeout (RTO)
 * from its smoothed round trip (RFC 6298; a device not yet measured borrows the fleet's estimate),
 * each later one is {@code backoffMultiplier} times longer, with jitter that only lengthens it, capped at {@code maxRto}
 * and at the deadline. Only receipts of commands sent once are timed (Karn's rule: one after a
 * retransmission cannot say which copy it answers). The schedule is deadline-aware: copies that
 * would leave no round trip before the deadline are pulled forward or not sent. Retransmissions reuse the command's key, so
 * the device applies it once and any copy's ack completes it; acks that come after the command
 * resolved are counted as idempotent drops.
 *
 * <p>Threading: a device's queue and in-flight commands live on its connection's event loop; no
 * locks. {@link #send} hops there.
 *
 * <p>Why one class: one per-connection state machine. {@code Lane} (a device's queue,
 * in-flight window and round-trip estimate) and {@code Pending} (one command's copies, timers and
 * deadline) are inner classes because they run on the same event loop and share the transport's
 * config, metrics and outcome recording; what does not need that loop is already outside
 * ({@link RttEstimator}, {@code OutcomeRecorder}, {@code Tombstone}, {@code Targets}).
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
    public CompletableFuture<CommandOutcome> send(DeviceCommand requested) {
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        long now = clock.nanoTime();
        DeviceCommand command = Targets.resolve(requested, registry);
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
        long receiptAtNanos = -1;
        Scheduler.Cancellable timer;
        boolean blocked;
        boolean done;

        Pending(DeviceCommand command, CompletableFuture<CommandOutcome> future, long start) {
            this.command = command;
            this.future = future;
            this.start = start;
            this.deadlineAt = start + deadlineNanos;
        }

        /** The receipt: an RTT sample (Karn's rule: first copies only) and proof the device is reachable. */
        @Override
        public void onAck(long nowNanos) {
            if (done || receiptAtNanos >= 0) {
                return; // the receipt that follows an execution ack, or a resent copy's: nothing to learn
            }
            if (attempts == 1) {
                sampleRtt(nowNanos);
            }
            receiptAtNanos = nowNanos;
        }

        private void sampleRtt(long nowNanos) {
            long rtt = nowNanos - lastSentAtNanos;
            lane.rtt.sample(rtt);
            fleetRtt.sample(rtt);
        }

        /** The execution ack: the device did it. */
        @Override
        public boolean onExecuted(int opcode, long nowNanos) {
            if (opcode != command.opcode()) {
                return false;
            }
            if (done) {
                metrics.idempotentDrop();
                return true;
            }
            if (attempts == 1 && receiptAtNanos >= 0) {
                lane.executionTime(nowNanos - receiptAtNanos);
            } else if (attempts == 1) {
                // The vendor's plug writes the execution ack before the receipt: time the round trip here.
                sampleRtt(nowNanos);
            }
            lane.finish(this, Outcome.SUCCESS);
            return true;
        }

        @Override
        public boolean awaitsExecution(int opcode) {
            return !done && opcode == command.opcode();
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
        /** Smoothed time from receipt to execution ack (EWMA 1/8); what a receipt adds to the next timeout. */
        long executionNanos = -1;

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

        void executionTime(long nanos) {
            executionNanos = executionNanos < 0 ? nanos : executionNanos + (nanos - executionNanos) / 8;
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
            // The same bytes every time (same key, same inner sequence): the command is idempotent.
            session.write(p.command.toMeshCommand(p.seq).toPacket());
            long wait = nextWait(p, now);
            if (wait <= 0 || p.attempts >= config.maxAttempts()) {
                // No room for another copy that could still be answered: wait for this one.
                p.timer = session.scheduler()
                        .schedule(() -> finish(p, deadlineOutcome(p)), Duration.ofNanos(p.deadlineAt - now));
            } else {
                p.timer = session.scheduler().schedule(() -> attemptTimedOut(p), Duration.ofNanos(wait));
            }
        }

        /**
         * Deadline-aware schedule: the usual backed-off timeout (lengthened by the device's execution
         * time once it has sent a receipt), but never so long that the next copy would leave less than
         * one retransmission timeout before the deadline: the copies that fit are pulled forward so the
         * last one still has a round trip left. 0 when no further copy fits.
         */
        private long nextWait(Pending p, long now) {
            long rto = baseRto();
            long lastSendBy = p.deadlineAt - rto;
            long wait = attemptTimeout(p.attempts);
            if (p.receiptAtNanos >= 0) {
                wait += Math.max(0, executionNanos);
            }
            long room = lastSendBy - now;
            if (room < config.minRto().toNanos()) {
                return 0;
            }
            return Math.min(wait, room);
        }

        private Outcome deadlineOutcome(Pending p) {
            return p.receiptAtNanos >= 0 ? Outcome.NOT_EXECUTED : Outcome.TIMEOUT;
        }

        private void attemptTimedOut(Pending p) {
            if (p.done) {
                return;
            }
            long now = clock.nanoTime();
            if (now >= p.deadlineAt) {
                finish(p, deadlineOutcome(p));
            } else if (session.isOpen()) {
                transmit(p);
            } else {
                p.timer = session.scheduler()
                        .schedule(() -> finish(p, deadlineOutcome(p)), Duration.ofNanos(p.deadlineAt - now));
            }
        }

        private long baseRto() {
            return rtt.hasSamples()
                    ? rtt.rtoNanos(
                            config.rtoMargin().toNanos(),
                            config.minRto().toNanos(),
                            config.maxRto().toNanos())
                    : fleetRtt.rtoNanos(
                            config.initialRto().toNanos(),
                            config.rtoMargin().toNanos(),
                            config.minRto().toNanos(),
                            config.maxRto().toNanos());
        }

        private long attemptTimeout(int attempt) {
            long base = baseRto();
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
    public CompletableFuture<CommandOutcome> failInjected(DeviceCommand command, Outcome outcome, Duration latency) {
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
