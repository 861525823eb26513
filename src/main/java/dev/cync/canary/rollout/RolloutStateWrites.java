package dev.cync.canary.rollout;

import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the rollout state goes to its {@link RolloutStateStore}, and what a failed write leaves
 * behind. Transitions are written as they happen, the stage clock every
 * {@link RolloutStateStore#writeEveryTicks} ticks. A write that fails is counted and logged and
 * retried at the next tick: a transition is never undone or held up by the disk or etcd.
 * Guarded by the rollout controller's monitor (only the failure count is read without it).
 */
final class RolloutStateWrites {

    private static final Logger log = LoggerFactory.getLogger(RolloutStateWrites.class);

    /** Null: the state is kept nowhere (rehearsals). */
    private final RolloutStateStore store;

    private final AtomicLong failures = new AtomicLong();
    private RolloutState lastWritten;
    private int ticksSinceWrite;

    RolloutStateWrites(RolloutStateStore store) {
        this.store = store;
    }

    /** Writes {@code s} now. */
    void write(RolloutState s) {
        ticksSinceWrite = 0;
        if (store == null) {
            return;
        }
        if (!store.writer()) {
            // A follower: the leader owns the shared state; this replica's copy is only what it last knew.
            lastWritten = s;
            return;
        }
        try {
            store.save(s);
            lastWritten = s;
        } catch (IOException | RuntimeException e) {
            long n = failures.incrementAndGet();
            lastWritten = null;
            if (n == 1 || n % 100 == 0) {
                log.error(
                        "could not persist {} ({} failure(s) so far): {}; the rollout goes on in memory "
                                + "and retries at the next tick",
                        store.describe(),
                        n,
                        e instanceof IOException && e.getMessage() != null ? e.getMessage() : e.toString());
            }
        }
    }

    /** After a tick: writes {@code s} if it changed more than its clock, or if the clock is due. */
    void afterTick(RolloutState s) {
        int every = store == null ? RolloutStateFile.WRITE_EVERY_TICKS : store.writeEveryTicks();
        if (++ticksSinceWrite >= every || !sameApartFromTheClock(s, lastWritten)) {
            write(s);
        }
    }

    /** {@code s} was just read from the store (a take-over): nothing to write. */
    void loaded(RolloutState s) {
        lastWritten = s;
    }

    /** True while {@code s} is not in the store (the last write failed). */
    boolean pending(RolloutState s) {
        return store != null && lastWritten != s;
    }

    /** Writes that failed since the start (each retried at the next tick). */
    long failures() {
        return failures.get();
    }

    static boolean sameApartFromTheClock(RolloutState a, RolloutState b) {
        return b != null
                && a.status() == b.status()
                && a.stage() == b.stage()
                && a.consecutiveFailures() == b.consecutiveFailures()
                && a.failedStage() == b.failedStage()
                && a.history().size() == b.history().size()
                && a.stageOverdueAtMillis() == b.stageOverdueAtMillis()
                && Objects.equals(a.lastSloFailureAt(), b.lastSloFailureAt());
    }
}
