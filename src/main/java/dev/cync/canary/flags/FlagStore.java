package dev.cync.canary.flags;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Where the operator's flags live. Embedded: {@link FileFlagStore}; a shared store (etcd) can
 * implement the same interface later.
 */
public interface FlagStore {

    FlagState current();

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
