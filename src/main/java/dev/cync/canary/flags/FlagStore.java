package dev.cync.canary.flags;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Where the operator's flags live. Embedded: {@link FileFlagStore}; a shared store (etcd)
 * implements the same interface.
 *
 * <p>Contract C1. Every change is one atomic read-modify-write ({@link #update}): the change is
 * computed from the latest state, applied, audited with exactly the old and new values it computed,
 * and only then are the listeners told, after every lock of the store has been released.
 *
 * <p>Lock order (docs/design.md rule 11): a store's own locks are leaves. Callers may hold their own
 * locks while they call {@link #update} (the rollout controller does); the store never calls out
 * (listeners, other objects) while it holds one of its locks, so no cycle can form.
 */
public interface FlagStore {

    FlagState current();

    /**
     * Applies one change atomically, audits it, then tells the listeners.
     *
     * @param actor who: {@code api:<client>}, {@code cli}, {@code env:VAR}, {@code auto-rollback}, ...
     * @param reason why, as the operator gave it
     * @param change computes the change from the state it is applied to; pure, may run more than
     *     once; may throw {@link IllegalArgumentException} to refuse, and then nothing changes
     * @return the committed state
     * @throws IllegalArgumentException when the change is refused or makes an invalid state; nothing changes
     */
    FlagState update(String actor, String reason, Function<FlagState, FlagChange> change);

    /** The last {@code limit} audit entries, oldest first. */
    List<AuditEntry> audit(int limit);

    /**
     * Called after every committed change, with the new state, in version order, outside the
     * store's locks (possibly on another thread than the one that made the change, when several
     * change at once). Must not block for long.
     */
    void addListener(Consumer<FlagState> listener);

    /** Whether every committed change is persisted (an addition to C1; stores that cannot fail keep the default). */
    default PersistStatus persistence() {
        return PersistStatus.PERSISTED;
    }
}
