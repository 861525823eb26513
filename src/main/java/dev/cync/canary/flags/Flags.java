package dev.cync.canary.flags;

import dev.cync.canary.support.Percentages;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The operations an operator (or the rollout controller) performs on the flags, each one audited
 * change with one meaning everywhere: the API, the CLI, the environment and automatic rollback
 * all come through here.
 *
 * <p>Each operation is one {@link FlagStore#update}: its old value and its new state are computed
 * from the state it is applied to, inside the store's read-modify-write, so concurrent operations
 * never lose one another's changes and the audit's old/new values chain exactly.
 *
 * <p>Zero means nobody: setting the canary to 0% engages the kill switch, so the explicit cohort
 * goes back to legacy too ("the very next command for every device goes legacy"); setting it above
 * 0% releases the kill switch and any hold left by an automatic rollback.
 *
 * <p>Thread-safe: it holds no state of its own.
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
        return store.update(
                actor,
                reason,
                s -> new FlagChange(
                        "set_percentage",
                        describe(s),
                        Percentages.fromBasisPoints(basisPoints) + "%" + (basisPoints == 0 ? " (kill switch on)" : ""),
                        s.edit()
                                .percentage(basisPoints)
                                .killSwitch(basisPoints == 0)
                                .rollbackSticky(false)
                                .build()));
    }

    /**
     * Everything to legacy at once: 0%, the kill switch, and the mirror off. An automatic rollback also sets the
     * hold that keeps it so across restarts until an operator resumes (docs/design.md rule 8); an
     * operator's rollback keeps a hold that is already there.
     */
    public FlagState rollback(String actor, String reason, boolean automatic) {
        // The mirror (dark launch) stops too: after a rollback no command of any device goes to the new transport.
        return store.update(
                actor,
                reason,
                s -> new FlagChange(
                        automatic ? "auto_rollback" : "rollback",
                        describe(s),
                        "0% (kill switch on"
                                + (automatic || s.rollbackSticky() ? ", held until an operator resumes" : "")
                                + (s.darkLaunch() ? ", mirror off)" : ")"),
                        s.edit()
                                .percentage(0)
                                .killSwitch(true)
                                .darkLaunch(false)
                                .rollbackSticky(automatic || s.rollbackSticky())
                                .build()));
    }

    public FlagState killSwitch(String actor, boolean on, String reason) {
        return store.update(
                actor,
                reason,
                s -> new FlagChange(
                        on ? "kill_switch_on" : "kill_switch_off",
                        String.valueOf(s.killSwitch()),
                        String.valueOf(on),
                        s.edit()
                                .killSwitch(on)
                                .rollbackSticky(on && s.rollbackSticky())
                                .build()));
    }

    public FlagState cohort(String actor, List<String> add, List<String> remove, String reason) {
        return store.update(actor, reason, s -> {
            List<String> next = edited(s.cohort(), add, remove);
            return new FlagChange(
                    "cohort",
                    s.cohort().size() + " devices",
                    next.size() + " devices (" + delta(add, remove) + ")",
                    s.edit().cohort(next).build());
        });
    }

    public FlagState exclude(String actor, List<String> add, List<String> remove, String reason) {
        return store.update(actor, reason, s -> {
            List<String> next = edited(s.exclude(), add, remove);
            return new FlagChange(
                    "exclude",
                    s.exclude().size() + " devices",
                    next.size() + " devices (" + delta(add, remove) + ")",
                    s.edit().exclude(next).build());
        });
    }

    /** Dark launch on or off; {@code basisPoints} null keeps the sample size. */
    public FlagState darkLaunch(String actor, boolean on, Integer basisPoints, String reason) {
        if (basisPoints != null) {
            FlagValues.checkBasisPoints("dark launch percentage", basisPoints);
        }
        return store.update(actor, reason, s -> {
            int bp = basisPoints == null ? s.darkLaunchBasisPoints() : basisPoints;
            return new FlagChange(
                    "dark_launch",
                    darkLaunchValue(s.darkLaunch(), s.darkLaunchBasisPoints()),
                    darkLaunchValue(on, bp),
                    s.edit().darkLaunch(on).darkLaunchPercentage(bp).build());
        });
    }

    public FlagState salt(String actor, String salt, String reason) {
        FlagValues.checkSalt("salt", salt);
        return store.update(
                actor,
                reason,
                s -> new FlagChange(
                        "set_salt", s.salt(), salt, s.edit().salt(salt).build()));
    }

    /** An audited action that changes no flag (a rollout action, a refused value). */
    public FlagState audit(String actor, String action, String oldValue, String newValue, String reason) {
        return store.update(actor, reason, s -> FlagChange.auditOnly(s, action, oldValue, newValue));
    }

    private static String darkLaunchValue(boolean on, int bp) {
        return on ? "on at " + Percentages.fromBasisPoints(bp) + "%" : "off";
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
        return Percentages.fromBasisPoints(s.percentageBasisPoints()) + "%"
                + (s.killSwitch() ? " (kill switch on)" : "");
    }
}
