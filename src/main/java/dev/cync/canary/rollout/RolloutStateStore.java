package dev.cync.canary.rollout;

import dev.cync.canary.support.StateFileException;
import java.io.IOException;
import java.util.Optional;

/**
 * Where the rollout state lives: {@link RolloutStateFile} on one machine, {@link EtcdRolloutStateStore}
 * when several replicas share it. The controller talks to this interface alone.
 */
public interface RolloutStateStore {

    /** What a start finds: the state to continue (null before the plan first started), or why an operator's reset dropped it. */
    record Found(RolloutState state, String resetBecause) {}

    /** The saved state; empty before the plan first started. */
    Optional<RolloutState> load() throws IOException;

    /** Saves {@code s}; fails (without writing) once this replica no longer leads. */
    void save(RolloutState s) throws IOException;

    /**
     * The saved state checked against {@code plan}. A state that cannot be trusted (unreadable,
     * another plan, a stage the plan lacks) refuses the start, as a bad {@code rollout.json} does:
     * never a quiet restart at stage 0.
     */
    default Found open(RolloutPlan plan) throws IOException {
        RolloutState loaded = load().orElse(null);
        if (loaded == null) {
            return new Found(null, null);
        }
        String problem = RolloutStateFile.planMismatch(loaded, plan);
        if (problem != null) {
            throw new StateFileException(
                    "the shared rollout state " + problem
                            + "; the rollout refuses to start rather than loosen the canary (delete the key to start the plan again)");
        }
        return new Found(loaded, null);
    }

    /**
     * Whether this replica is the one that writes the shared state now. A follower has nothing to
     * write (the leader owns the state), so its controller neither writes nor counts a failure.
     */
    default boolean writer() {
        return true;
    }

    /**
     * The stage clock is written every this many minute ticks (transitions at once). Shared state
     * every tick: one small write a minute, and a failover loses at most a minute.
     */
    default int writeEveryTicks() {
        return 1;
    }

    /** What a failed write names in its log line. */
    default String describe() {
        return "the shared rollout state";
    }
}
