package dev.cync.canary.rollout;

import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import java.util.HashSet;
import java.util.Set;

/**
 * What the stage machine's transitions do outside the rollout state: the flags (only what differs
 * from the stage), the audit log, and a rollback's count and alert. It remembers the versions of the
 * flag changes it made, possibly in an operator's name (a promotion, a resume, a retry, an abort), so
 * the controller does not take them for changes "made elsewhere". Guarded by the controller's monitor.
 */
final class RolloutFlags implements StageMachine.Effects {

    private final Flags flags;
    private final Metrics metrics;
    private final Notifier notifier;
    private final Set<Long> ownChanges = new HashSet<>();

    RolloutFlags(Flags flags, Metrics metrics, Notifier notifier) {
        this.flags = flags;
        this.metrics = metrics;
        this.notifier = notifier;
    }

    /** True (once) when {@code f} is a change this controller made itself. */
    boolean madeHere(FlagState f) {
        return ownChanges.remove(f.version());
    }

    /** Forgets the changes made so far: they reached no listener of this controller (before it listened, or while following). */
    void forgetOwnChanges() {
        ownChanges.clear();
    }

    @Override
    public FlagState flags() {
        return flags.current();
    }

    @Override
    public void applyStage(RolloutPlan.Stage s, String actor, String reason) {
        FlagState f = flags.current();
        if (f.percentageBasisPoints() != s.percentageBasisPoints()
                || f.killSwitch() != (s.percentageBasisPoints() == 0)
                || f.rollbackSticky()) {
            own(flags.setPercentage(actor, s.percentageBasisPoints(), reason));
        }
        if (f.darkLaunch() != s.darkLaunch()
                || (s.darkLaunch() && f.darkLaunchBasisPoints() != s.darkLaunchBasisPoints())) {
            own(flags.darkLaunch(actor, s.darkLaunch(), s.darkLaunchBasisPoints(), reason));
        }
    }

    @Override
    public void stageOff(String actor, String reason) {
        own(flags.setPercentage(actor, 0, reason));
        own(flags.darkLaunch(actor, false, null, reason));
    }

    @Override
    public void rollback(String actor, String reason, boolean automatic) {
        own(flags.rollback(actor, reason, automatic));
    }

    @Override
    public void audit(String actor, String action, String oldValue, String newValue, String reason) {
        own(flags.audit(actor, action, oldValue, newValue, reason));
    }

    @Override
    public void rolledBack(Notifier.Rollback r) {
        metrics.rollback(r.trigger());
        notifier.rolledBack(r);
    }

    private void own(FlagState committed) {
        ownChanges.add(committed.version());
    }
}
