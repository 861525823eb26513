package dev.cync.canary.rollout;

import java.io.IOException;
import java.util.Optional;

/** Where the rollout state lives when it is shared by several replicas (the file is the one-machine case). */
public interface RolloutStateStore {

    /** The saved state; empty before the plan first started. */
    Optional<RolloutState> load() throws IOException;

    /** Saves {@code s}; fails (without writing) once this replica no longer leads. */
    void save(RolloutState s) throws IOException;

    /**
     * Whether this replica is the one that writes the shared state now. A follower has nothing to
     * write (the leader owns the state), so its controller neither writes nor counts a failure.
     */
    default boolean writer() {
        return true;
    }
}
