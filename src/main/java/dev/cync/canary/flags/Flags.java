package dev.cync.canary.flags;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The operations an operator (or the rollout controller) performs on the flags, each one audited
 * change with one meaning everywhere: the API, the CLI, the environment and automatic rollback
 * all come through here.
 *
 * <p>Zero means nobody: setting the canary to 0% engages the kill switch, so the explicit cohort
 * goes back to legacy too ("the very next command for every device goes legacy"); setting it above
 * 0% releases the kill switch and any hold left by an automatic rollback.
 */
public final class Flags {

    private final FlagStore store;

    public Flags(FlagStore store) {
        this.store = store;
    }

    public FlagState current() {
        return store.current();
    }

    public FlagStore store() {
        return store;
    }

    public FlagState setPercentage(String actor, int basisPoints, String reason) {
        FlagValues.checkBasisPoints("percentage", basisPoints);
        return store.update(actor, reason, s -> new FlagStore.FlagChange("set_percentage", describe(s),
                FlagValues.formatPercentage(basisPoints) + "%" + (basisPoints == 0 ? " (kill switch on)" : ""),
                FlagStamp.draft(s, b -> b.percentage(basisPoints).killSwitch(basisPoints == 0).rollbackSticky(false))));
    }

    /**
     * Everything to legacy at once: 0% and the kill switch. An automatic rollback also sets the
     * hold that keeps it so across restarts until an operator resumes (DESIGN.md rule 8).
     */
    public FlagState rollback(String actor, String reason, boolean automatic) {
        return store.update(actor, reason, s -> new FlagStore.FlagChange(automatic ? "auto_rollback" : "rollback", describe(s),
                "0% (kill switch on" + (automatic ? ", held until an operator resumes)" : ")"),
                FlagStamp.draft(s, b -> b.percentage(0).killSwitch(true).rollbackSticky(automatic))));
    }

    public FlagState killSwitch(String actor, boolean on, String reason) {
        return store.update(actor, reason, s -> new FlagStore.FlagChange(on ? "kill_switch_on" : "kill_switch_off",
                String.valueOf(s.killSwitch()), String.valueOf(on),
                FlagStamp.draft(s, b -> b.killSwitch(on).rollbackSticky(on && s.rollbackSticky()))));
    }

    public FlagState cohort(String actor, List<String> add, List<String> remove, String reason) {
        return store.update(actor, reason, s -> {
            List<String> next = edited(s.cohort(), add, remove);
            return new FlagStore.FlagChange("cohort", delta(add, remove), next.size() + " devices", FlagStamp.draft(s, b -> b.cohort(next)));
        });
    }

    public FlagState exclude(String actor, List<String> add, List<String> remove, String reason) {
        return store.update(actor, reason, s -> {
            List<String> next = edited(s.exclude(), add, remove);
            return new FlagStore.FlagChange("exclude", delta(add, remove), next.size() + " devices", FlagStamp.draft(s, b -> b.exclude(next)));
        });
    }

    /** Dark launch on or off; {@code basisPoints} null keeps the sample size. */
    public FlagState darkLaunch(String actor, boolean on, Integer basisPoints, String reason) {
        if (basisPoints != null) {
            FlagValues.checkBasisPoints("dark launch percentage", basisPoints);
        }
        return store.update(actor, reason, s -> {
            int bp = basisPoints == null ? s.darkLaunchBasisPoints() : basisPoints;
            return new FlagStore.FlagChange("dark_launch",
                    s.darkLaunch() ? "on at " + FlagValues.formatPercentage(s.darkLaunchBasisPoints()) + "%" : "off",
                    on ? "on at " + FlagValues.formatPercentage(bp) + "%" : "off",
                    FlagStamp.draft(s, b -> b.darkLaunch(on).darkLaunchPercentage(bp)));
        });
    }

    public FlagState salt(String actor, String salt, String reason) {
        FlagValues.checkSalt("salt", salt);
        return store.update(actor, reason, s -> new FlagStore.FlagChange("set_salt", s.salt(), salt, FlagStamp.draft(s, b -> b.salt(salt))));
    }

    private static List<String> edited(List<String> current, List<String> add, List<String> remove) {
        TreeSet<String> next = new TreeSet<>(current);
        next.addAll(add);
        next.removeAll(remove);
        return new ArrayList<>(next);
    }

    private static String delta(List<String> add, List<String> remove) {
        StringBuilder sb = new StringBuilder();
        if (!add.isEmpty()) {
            sb.append("+").append(String.join(",+", add));
        }
        if (!remove.isEmpty()) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append("-").append(String.join(",-", remove));
        }
        return sb.toString();
    }

    static String describe(FlagState s) {
        return FlagValues.formatPercentage(s.percentageBasisPoints()) + "%" + (s.killSwitch() ? " (kill switch on)" : "");
    }
}
