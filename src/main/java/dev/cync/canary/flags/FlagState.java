package dev.cync.canary.flags;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cync.canary.support.Percentages;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The operator's routing flags, as persisted. Immutable; every change makes a new state with the
 * next {@code version} and the audit entry that describes it ({@code lastChange}, kept here too so
 * a crash between writing the state and appending the audit line loses neither).
 *
 * @param percentageBasisPoints canary share in basis points (2500 = 25%)
 * @param killSwitch everything to legacy; engaged by every rollback and by setting 0%
 * @param rollbackSticky set by an automatic rollback: nothing but an operator's resume releases it
 * @param lastEnv the environment values seen at the last start, to spot ones changed since
 */
public record FlagState(
        @JsonProperty("version") long version,
        @JsonProperty("percentage_bp") int percentageBasisPoints,
        @JsonProperty("salt") String salt,
        @JsonProperty("cohort") List<String> cohort,
        @JsonProperty("exclude") List<String> exclude,
        @JsonProperty("kill_switch") boolean killSwitch,
        @JsonProperty("dark_launch") boolean darkLaunch,
        @JsonProperty("dark_launch_bp") int darkLaunchBasisPoints,
        @JsonProperty("rollback_sticky") boolean rollbackSticky,
        @JsonProperty("updated_at") Instant updatedAt,
        @JsonProperty("updated_by") String updatedBy,
        @JsonProperty("last_env") Map<String, String> lastEnv,
        @JsonProperty("last_change") AuditEntry lastChange) {

    public static final String DEFAULT_SALT = "cync-canary";
    public static final int DEFAULT_DARK_LAUNCH_BP = 1000;

    public FlagState {
        cohort = List.copyOf(new TreeSet<>(cohort == null ? List.of() : cohort));
        exclude = List.copyOf(new TreeSet<>(exclude == null ? List.of() : exclude));
        lastEnv = lastEnv == null ? Map.of() : Map.copyOf(lastEnv);
        FlagValues.checkBasisPoints("percentage", percentageBasisPoints);
        FlagValues.checkBasisPoints("dark launch percentage", darkLaunchBasisPoints);
        FlagValues.checkSalt("salt", salt);
    }

    /** Nothing on the canary, no dark launch, never changed. */
    public static FlagState initial(Instant now) {
        return new FlagState(
                0,
                0,
                DEFAULT_SALT,
                List.of(),
                List.of(),
                false,
                false,
                DEFAULT_DARK_LAUNCH_BP,
                false,
                now,
                "default",
                Map.of(),
                null);
    }

    /** This state committed as the change {@code entry}: its version, time, actor and audit entry. For stores. */
    public FlagState committed(AuditEntry entry) {
        return new FlagState(
                entry.version(),
                percentageBasisPoints,
                salt,
                cohort,
                exclude,
                killSwitch,
                darkLaunch,
                darkLaunchBasisPoints,
                rollbackSticky,
                entry.at(),
                entry.actor(),
                lastEnv,
                entry);
    }

    /** A copy to edit field by field. */
    public Builder edit() {
        return new Builder(this);
    }

    /** Builds the next state from this one; only what is set changes. */
    public static final class Builder {
        private final FlagState from;
        private int percentage;
        private String salt;
        private List<String> cohort;
        private List<String> exclude;
        private boolean killSwitch;
        private boolean darkLaunch;
        private int darkLaunchBp;
        private boolean sticky;
        private Map<String, String> lastEnv;

        Builder(FlagState s) {
            from = s;
            percentage = s.percentageBasisPoints;
            salt = s.salt;
            cohort = s.cohort;
            exclude = s.exclude;
            killSwitch = s.killSwitch;
            darkLaunch = s.darkLaunch;
            darkLaunchBp = s.darkLaunchBasisPoints;
            sticky = s.rollbackSticky;
            lastEnv = s.lastEnv;
        }

        public Builder percentage(int bp) {
            percentage = bp;
            return this;
        }

        public Builder salt(String s) {
            salt = s;
            return this;
        }

        public Builder cohort(List<String> c) {
            cohort = c;
            return this;
        }

        public Builder exclude(List<String> e) {
            exclude = e;
            return this;
        }

        public Builder killSwitch(boolean k) {
            killSwitch = k;
            return this;
        }

        public Builder darkLaunch(boolean on) {
            darkLaunch = on;
            return this;
        }

        public Builder darkLaunchPercentage(int bp) {
            darkLaunchBp = bp;
            return this;
        }

        public Builder rollbackSticky(boolean s) {
            sticky = s;
            return this;
        }

        public Builder lastEnv(Map<String, String> env) {
            lastEnv = env;
            return this;
        }

        /**
         * The edited flags, still carrying the version and stamp of the state they were edited
         * from: a proposal for {@link FlagChange#next}, which the store commits.
         *
         * @throws IllegalArgumentException when a value is out of range
         */
        public FlagState build() {
            return new FlagState(
                    from.version,
                    percentage,
                    salt,
                    cohort,
                    exclude,
                    killSwitch,
                    darkLaunch,
                    darkLaunchBp,
                    sticky,
                    from.updatedAt,
                    from.updatedBy,
                    lastEnv,
                    from.lastChange);
        }
    }

    /** The routing-relevant fields as one line, for logs and audit values. */
    public String summary() {
        return "canary " + Percentages.fromBasisPoints(percentageBasisPoints) + "%"
                + (killSwitch ? ", kill switch ON" : "")
                + (rollbackSticky ? " (held by an automatic rollback)" : "")
                + ", cohort " + cohort.size() + ", excluded " + exclude.size()
                + ", dark launch "
                + (darkLaunch ? "on at " + Percentages.fromBasisPoints(darkLaunchBasisPoints) + "%" : "off")
                + ", salt '" + salt + "'";
    }
}
