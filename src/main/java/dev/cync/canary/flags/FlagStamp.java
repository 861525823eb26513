package dev.cync.canary.flags;

/** Puts a store's bookkeeping (version, time, actor, audit entry) on the state a {@link FlagStore.FlagChange} computed. */
final class FlagStamp {

    private FlagStamp() {}

    /** {@code next}'s operator fields, with the version, time, actor and audit entry of {@code entry}. */
    static FlagState stamp(FlagState next, AuditEntry entry) {
        return new FlagState(entry.version(), next.percentageBasisPoints(), next.salt(), next.cohort(), next.exclude(), next.killSwitch(),
                next.darkLaunch(), next.darkLaunchBasisPoints(), next.rollbackSticky(), entry.at(), entry.actor(), next.lastEnv(), entry);
    }

    /** Copies {@code next}'s operator fields into {@code b}. */
    static FlagState.Builder fields(FlagState.Builder b, FlagState next) {
        return b.percentage(next.percentageBasisPoints()).salt(next.salt()).cohort(next.cohort()).exclude(next.exclude())
                .killSwitch(next.killSwitch()).darkLaunch(next.darkLaunch()).darkLaunchPercentage(next.darkLaunchBasisPoints())
                .rollbackSticky(next.rollbackSticky()).lastEnv(next.lastEnv());
    }

    /** A change's next state built from {@code from} with {@code edit}; the store stamps it. */
    static FlagState draft(FlagState from, java.util.function.UnaryOperator<FlagState.Builder> edit) {
        return edit.apply(from.edit()).build(from.updatedAt(), from.updatedBy(), from.lastChange());
    }

    /** True when {@code s} sends nobody to the new transport: a rollback, which any replica may write at any time. */
    static boolean isRollback(FlagState s) {
        return s.killSwitch() && s.percentageBasisPoints() == 0;
    }
}
