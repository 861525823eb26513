package dev.cync.canary.transport;

import dev.cync.canary.device.AckWaiter;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import io.netty.channel.ChannelFuture;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The old command path: write the command once and hope. It never retries and has no queue of
 * its own (the connection's outbound buffer is its queue: above the high-water mark a command is
 * refused as {@code queue_full} rather than piling up without bound). It watches passively for the
 * device's answers so that its outcomes use the same oracle as the reliable transport (docs/design.md
 * rule 2): success is the execution ack (class f9, the command's opcode and inner sequence, on its
 * connection) before {@code ackDeadline}; a 0x7B receipt alone is {@code not_executed}.
 */
public final class LegacyTransport implements Transport {

    private final LegacyConfig config;
    private final DeviceRegistry registry;
    private final Clock clock;
    private final OutcomeRecorder recorder;
    private final AckWaiter tombstone;
    private volatile boolean closed;

    public LegacyTransport(LegacyConfig config, DeviceRegistry registry, Clock clock, Metrics metrics) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.recorder = new OutcomeRecorder(TransportKind.LEGACY, metrics.transport(TransportKind.LEGACY.label()));
        this.tombstone = new Tombstone(recorder.metrics());
    }

    @Override
    public TransportKind kind() {
        return TransportKind.LEGACY;
    }

    @Override
    public CompletableFuture<CommandOutcome> send(DeviceCommand requested) {
        CompletableFuture<CommandOutcome> future = new CompletableFuture<>();
        long start = clock.nanoTime();
        DeviceCommand command = Targets.resolve(requested, registry);
        DeviceSession session = recorder.admit(command, future, closed, registry);
        if (session == null) {
            return future;
        }
        session.execute(() -> new Attempt(session, command, future, start).start());
        return future;
    }

    /** One command on the wire, waiting for its ack. Confined to the session's event loop. */
    private final class Attempt implements AckWaiter {
        final DeviceSession session;
        final DeviceCommand command;
        final CompletableFuture<CommandOutcome> future;
        final long start;
        int seq = -1;
        ChannelFuture write;
        Scheduler.Cancellable deadline;
        boolean receipt;
        boolean done;

        Attempt(DeviceSession session, DeviceCommand command, CompletableFuture<CommandOutcome> future, long start) {
            this.session = session;
            this.command = command;
            this.future = future;
            this.start = start;
        }

        void start() {
            if (!session.isOpen()) {
                finish(Outcome.DISCONNECTED, 0);
                return;
            }
            if (!session.isWritable()) {
                finish(Outcome.QUEUE_FULL, 0);
                return;
            }
            seq = session.allocateSequence(this);
            if (seq < 0) {
                finish(Outcome.REJECTED, 0);
                return;
            }
            write = session.write(command.toMeshCommand(seq).toPacket());
            write.addListener(f -> {
                if (!f.isSuccess()) {
                    finish(session.isOpen() ? Outcome.WRITE_ERROR : Outcome.DISCONNECTED, 1);
                }
            });
            Scheduler s = session.scheduler();
            deadline = s.schedule(this::deadlinePassed, config.ackDeadline());
            if (config.writeTimeout().compareTo(config.ackDeadline()) < 0) {
                s.schedule(
                        () -> {
                            if (!write.isDone()) {
                                finish(Outcome.WRITE_ERROR, 1);
                            }
                        },
                        config.writeTimeout());
            }
        }

        private void deadlinePassed() {
            // A write still not on the wire is a write error, more precise than a missing ack.
            // A receipt without an execution ack: the device has the bytes and did not do it.
            finish(
                    write != null && !write.isDone()
                            ? Outcome.WRITE_ERROR
                            : receipt ? Outcome.NOT_EXECUTED : Outcome.TIMEOUT,
                    1);
        }

        @Override
        public void onAck(long nowNanos) {
            receipt = true;
        }

        @Override
        public boolean onExecuted(int opcode, long nowNanos) {
            if (opcode != command.opcode()) {
                return false;
            }
            finish(Outcome.SUCCESS, 1);
            return true;
        }

        @Override
        public boolean awaitsExecution(int opcode) {
            return !done && opcode == command.opcode();
        }

        @Override
        public void onConnectionClosed() {
            finish(Outcome.DISCONNECTED, 1);
        }

        private void finish(Outcome outcome, int attempts) {
            if (done) {
                return;
            }
            done = true;
            if (deadline != null) {
                deadline.cancel();
            }
            if (seq >= 0 && session.isOpen()) {
                session.releaseSequence(seq, tombstone);
            }
            recorder.resolve(future, command, outcome, attempts, clock.nanoTime() - start);
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
