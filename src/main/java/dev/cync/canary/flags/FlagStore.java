package dev.cync.canary.flags;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Where the operator's flags live. Embedded: {@link FileFlagStore}; a shared store (etcd) can
 * implement the same interface later.
 */
public interface FlagStore {

    FlagState current();

    /** What one flag change does, computed from the state it is applied to. Pure: may run more than once (CAS retry). */
    record FlagChange(String action, String oldValue, String newValue, FlagState next) {}

    /**
     * Applies {@code change} to the latest state atomically, appends the audit entry with exactly its
     * old and new values, and calls the listeners after releasing any lock. The store stamps the next
     * state's version, time, actor and audit entry; {@code change} decides everything else.
     */
    FlagState update(String actor, String reason, Function<FlagState, FlagChange> change);

    /**
     * Applies one change atomically and durably, audits it, then tells the listeners.
     *
     * @param actor who: {@code api:<client>}, {@code cli}, {@code env}, {@code auto-rollback}, ...
     * @param action what, e.g. {@code set_percentage}
     * @param oldValue, newValue what it was and became, as the audit shows them
     * @throws IllegalArgumentException when the edit makes an invalid state; nothing changes
     */
    FlagState change(String actor, String action, String oldValue, String newValue, String reason,
            UnaryOperator<FlagState.Builder> edit);

    /** The last {@code limit} audit entries, oldest first. */
    List<AuditEntry> audit(int limit);

    /** Called after every committed change, with the new state. */
    void addListener(Consumer<FlagState> listener);
}
