package dev.cync.canary.bench;

import dev.cync.canary.device.AckWaiter;
import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.device.DeviceSession;
import dev.cync.canary.sim.LoadGenerator;
import dev.cync.canary.time.Clock;
import dev.cync.canary.time.Scheduler;
import dev.cync.canary.transport.CommandOutcome;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.Targets;
import dev.cync.canary.transport.TransportKind;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The benchmark's practical limit ("raw" arm): write the command once, wait for its execution ack,
 * nothing else (no queue, no retry, no metrics). A deadline still resolves lost commands so the
 * accounting closes.
 *
 * <p>Accounting: like a transport, it counts its own commands (sent, in flight up on send and down
 * on resolve, resolved by outcome, second resolutions), independently of the load generator, so
 * the bench's check sent = succeeded + failed + in flight can fail for this arm too. The counts
 * change together under one lock.
 */
final class RawBaseline implements LoadGenerator.Sink {

    private static final AckWaiter IGNORE = new AckWaiter() {
        @Override
        public void onAck(long nowNanos) {}

        @Override
        public boolean onExecuted(int opcode, long nowNanos) {
            return true;
        }

        @Override
        public void onConnectionClosed() {}
    };

    private final DeviceRegistry registry;
    private final Clock clock;
    private final Duration deadline;
    private final Object lock = new Object();
    private long sent;
    private long inFlight;
    private long doubleResolutions;
    private final long[] resolved = new long[Outcome.values().length];

    RawBaseline(DeviceRegistry registry, Clock clock, Duration deadline) {
        this.registry = registry;
        this.clock = clock;
        this.deadline = deadline;
    }

    @Override
    public CompletableFuture<CommandOutcome> apply(DeviceCommand requested) {
        CompletableFuture<CommandOutcome> f = new CompletableFuture<>();
        long start = clock.nanoTime();
        synchronized (lock) {
            sent++;
            inFlight++;
        }
        DeviceCommand command = Targets.resolve(requested, registry);
        if (!command.resolved()) {
            complete(f, outcome(command, Outcome.UNKNOWN_TARGET, start, 0));
            return f;
        }
        DeviceSession s = registry.find(command.deviceId());
        if (s == null) {
            complete(f, outcome(command, Outcome.DISCONNECTED, start, 0));
            return f;
        }
        s.execute(() -> {
            int[] seq = {-1};
            Scheduler.Cancellable[] timer = {null};
            boolean[] receipt = {false};
            AckWaiter w = new AckWaiter() {
                @Override
                public void onAck(long nowNanos) {
                    receipt[0] = true;
                }

                @Override
                public boolean onExecuted(int opcode, long nowNanos) {
                    if (opcode != command.opcode()) {
                        return false;
                    }
                    done(Outcome.SUCCESS);
                    return true;
                }

                @Override
                public void onConnectionClosed() {
                    done(Outcome.DISCONNECTED);
                }

                void done(Outcome o) {
                    if (f.isDone()) {
                        return;
                    }
                    if (timer[0] != null) {
                        timer[0].cancel();
                    }
                    if (seq[0] >= 0 && s.isOpen()) {
                        s.releaseSequence(seq[0], IGNORE);
                    }
                    complete(f, outcome(command, o, start, 1));
                }
            };
            seq[0] = s.allocateSequence(w);
            if (seq[0] < 0) {
                complete(f, outcome(command, Outcome.REJECTED, start, 0));
                return;
            }
            s.write(command.toMeshCommand(seq[0]).toPacket());
            timer[0] = s.scheduler()
                    .schedule(
                            () -> {
                                if (!f.isDone()) {
                                    if (s.isOpen()) {
                                        s.releaseSequence(seq[0], IGNORE);
                                    }
                                    complete(
                                            f,
                                            outcome(
                                                    command,
                                                    receipt[0] ? Outcome.NOT_EXECUTED : Outcome.TIMEOUT,
                                                    start,
                                                    1));
                                }
                            },
                            deadline);
        });
        return f;
    }

    private void complete(CompletableFuture<CommandOutcome> f, CommandOutcome o) {
        boolean first = f.complete(o);
        synchronized (lock) {
            if (first) {
                inFlight--;
                resolved[o.outcome().ordinal()]++;
            } else {
                doubleResolutions++;
            }
        }
    }

    /** Its own counts since it was made, as a transport keeps them. */
    TransportStats stats() {
        Map<Outcome, Long> failed = new EnumMap<>(Outcome.class);
        synchronized (lock) {
            for (Outcome o : Outcome.values()) {
                if (o != Outcome.SUCCESS) {
                    failed.put(o, resolved[o.ordinal()]);
                }
            }
            return new TransportStats(sent, resolved[Outcome.SUCCESS.ordinal()], failed, inFlight, doubleResolutions);
        }
    }

    private CommandOutcome outcome(DeviceCommand c, Outcome o, long start, int attempts) {
        return new CommandOutcome(c, TransportKind.LEGACY, o, attempts, Duration.ofNanos(clock.nanoTime() - start));
    }
}
