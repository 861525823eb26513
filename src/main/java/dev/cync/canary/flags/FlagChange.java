package dev.cync.canary.flags;

/**
 * What one flag change does, computed from the state it is applied to (contract C1). Pure: a store
 * may run the function that makes it more than once (a compare-and-set retry), so it must not
 * have side effects.
 *
 * @param action what, e.g. {@code set_percentage}, as the audit log shows it
 * @param oldValue what it was, computed from the state the change is applied to
 * @param newValue what it became
 * @param next the new flags (build it with {@code state.edit()...build()}); the store stamps the
 *     version, time, actor and audit entry
 */
public record FlagChange(String action, String oldValue, String newValue, FlagState next) {

    public FlagChange {
        if (action == null || action.isBlank() || next == null) {
            throw new IllegalArgumentException("a flag change needs an action and a next state");
        }
        oldValue = oldValue == null ? "" : oldValue;
        newValue = newValue == null ? "" : newValue;
    }

    /** An audited action that changes no flag (an operator's rollout action, a refused environment value). */
    public static FlagChange auditOnly(FlagState s, String action, String oldValue, String newValue) {
        return new FlagChange(action, oldValue, newValue, s);
    }
}
