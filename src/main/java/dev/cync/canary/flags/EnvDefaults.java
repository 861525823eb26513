package dev.cync.canary.flags;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The environment as a source of flags (the spec's {@code CANARY_PERCENTAGE}, {@code DARK_LAUNCH},
 * {@code CANARY_COHORT}, and {@code CANARY_EXCLUDE}, {@code CANARY_SALT},
 * {@code DARK_LAUNCH_PERCENTAGE}), with docs/design.md rule 8's precedence:
 *
 * <ul>
 *   <li>on a fresh state directory the environment gives the starting flags;
 *   <li>after that, persisted operator state outranks the environment, except that a variable
 *       whose value changed since the last start is a new operator action, applied and audited as
 *       one (so {@code kubectl set env ... CANARY_PERCENTAGE=0} still rolls back);
 *   <li>after an operator reset the flags ({@code --reset-state flags.json}, because the file was
 *       lost or unreadable), the values are remembered but not applied: a lost file never lets an
 *       environment default loosen the canary;
 *   <li>an invalid value is refused with a message naming the variable and the allowed range,
 *       logged at error level and audited; the previous state stays, and the variable is not
 *       remembered, so correcting it counts as a change at the next start.
 * </ul>
 */
public final class EnvDefaults {

    private static final Logger log = LoggerFactory.getLogger(EnvDefaults.class);

    public static final String CANARY_PERCENTAGE = "CANARY_PERCENTAGE";
    public static final String DARK_LAUNCH = "DARK_LAUNCH";
    public static final String CANARY_COHORT = "CANARY_COHORT";
    public static final String CANARY_EXCLUDE = "CANARY_EXCLUDE";
    public static final String CANARY_SALT = "CANARY_SALT";
    public static final String DARK_LAUNCH_PERCENTAGE = "DARK_LAUNCH_PERCENTAGE";
    static final List<String> VARIABLES =
            List.of(CANARY_SALT, CANARY_COHORT, CANARY_EXCLUDE, DARK_LAUNCH_PERCENTAGE, DARK_LAUNCH, CANARY_PERCENTAGE);

    private EnvDefaults() {}

    /** Applies the environment to the store; returns the refused values' messages. */
    public static List<String> apply(Flags flags, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Map<String, String> valid = new LinkedHashMap<>();
        for (String var : VARIABLES) {
            String value = env.get(var);
            if (value == null) {
                continue;
            }
            try {
                check(var, value);
                valid.put(var, value);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        FlagState before = flags.current();
        boolean fresh = before.version() == 0;
        if (before.lastChange() != null
                && FileFlagStore.RESET_STATE.equals(before.lastChange().action())
                && before.lastChange().oldValue().startsWith(FileFlagStore.STATE)) {
            // The flags were just reset by an operator because their file could not be trusted: the
            // environment's values are remembered, not applied, so a lost file never loosens the canary.
            if (!valid.isEmpty()) {
                log.warn(
                        "flags reset with --reset-state: the environment's values {} are remembered, not applied; "
                                + "set the canary by hand to move traffic",
                        valid);
            }
            flags.store()
                    .update(
                            "env",
                            "environment values remembered, not applied, after --reset-state",
                            s -> new FlagChange(
                                    "env_seen",
                                    String.valueOf(s.lastEnv()),
                                    String.valueOf(valid),
                                    s.edit().lastEnv(valid).build()));
            return problems;
        }
        for (Map.Entry<String, String> e : valid.entrySet()) {
            String var = e.getKey();
            if (fresh || !Objects.equals(before.lastEnv().get(var), e.getValue())) {
                String reason = fresh
                        ? "environment default at first start"
                        : "environment value changed since the last start (was "
                                + before.lastEnv().getOrDefault(var, "unset") + ")";
                applyOne(flags, var, e.getValue(), reason);
            }
        }
        for (String p : problems) {
            log.error("refused an environment value: {}; the flags stay as they were", p);
            flags.audit("env", "env_refused", "", "", p);
        }
        if (!valid.equals(flags.current().lastEnv())) {
            flags.store()
                    .update(
                            "env",
                            "environment values remembered to spot later changes",
                            s -> new FlagChange(
                                    "env_seen",
                                    String.valueOf(s.lastEnv()),
                                    String.valueOf(valid),
                                    s.edit().lastEnv(valid).build()));
        }
        return problems;
    }

    private static void check(String var, String value) {
        switch (var) {
            case CANARY_PERCENTAGE, DARK_LAUNCH_PERCENTAGE -> FlagValues.parsePercentage(var, value);
            case DARK_LAUNCH -> FlagValues.parseBoolean(var, value);
            case CANARY_COHORT, CANARY_EXCLUDE -> FlagValues.parseIds(var, value);
            case CANARY_SALT -> FlagValues.checkSalt(var, value);
            default -> throw new IllegalArgumentException("unknown variable " + var);
        }
    }

    private static void applyOne(Flags flags, String var, String value, String reason) {
        String actor = "env:" + var;
        switch (var) {
            case CANARY_PERCENTAGE -> flags.setPercentage(actor, FlagValues.parsePercentage(var, value), reason);
            case DARK_LAUNCH_PERCENTAGE ->
                flags.darkLaunch(actor, flags.current().darkLaunch(), FlagValues.parsePercentage(var, value), reason);
            case DARK_LAUNCH -> flags.darkLaunch(actor, FlagValues.parseBoolean(var, value), null, reason);
            case CANARY_COHORT -> {
                List<String> ids = FlagValues.parseIds(var, value);
                List<String> drop = new ArrayList<>(flags.current().cohort());
                drop.removeAll(ids);
                flags.cohort(actor, ids, drop, reason);
            }
            case CANARY_EXCLUDE -> {
                List<String> ids = FlagValues.parseIds(var, value);
                List<String> drop = new ArrayList<>(flags.current().exclude());
                drop.removeAll(ids);
                flags.exclude(actor, ids, drop, reason);
            }
            case CANARY_SALT -> flags.salt(actor, value.trim(), reason);
            default -> throw new IllegalStateException(var);
        }
    }
}
