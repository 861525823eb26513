package dev.cync.canary.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Percentages;
import dev.cync.canary.support.Settings;
import dev.cync.canary.support.YamlFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** A staged rollout plan ({@code config/plans/*.yaml}), read and validated. */
public record RolloutPlan(String name, List<Stage> stages) {

    /** One stage: its routing, how long it runs at least, what it must show, and where a failure goes. */
    /**
     * @param maxDuration how long the stage may run, holds included, before the plan pauses and asks an
     *     operator (default {@link #DEFAULT_MAX_FACTOR} x minDuration)
     */
    public record Stage(
            String name,
            int percentageBasisPoints,
            boolean darkLaunch,
            int darkLaunchBasisPoints,
            Duration minDuration,
            List<Gate> gates,
            String rollbackTo,
            Duration maxDuration) {

        public Stage(
                String name,
                int percentageBasisPoints,
                boolean darkLaunch,
                int darkLaunchBasisPoints,
                Duration minDuration,
                List<Gate> gates,
                String rollbackTo) {
            this(
                    name,
                    percentageBasisPoints,
                    darkLaunch,
                    darkLaunchBasisPoints,
                    minDuration,
                    gates,
                    rollbackTo,
                    minDuration.multipliedBy(DEFAULT_MAX_FACTOR));
        }
    }

    /** A stage's default maximum length, in multiples of its minimum. */
    public static final int DEFAULT_MAX_FACTOR = 3;

    /** A gate and its parameter (a percentage in basis points, or a duration in milliseconds; 0 if none). */
    public record Gate(Type type, long parameter) {
        public enum Type {
            MIRROR_DATA("mirror_data"),
            NO_WORSE_THAN_LEGACY("no_worse_than_legacy"),
            SUCCESS_RATE_AT_LEAST("success_rate_at_least"),
            SLOS_MET("slos_met"),
            ERROR_BUDGET_ABOVE("error_budget_above"),
            SLOS_MET_FOR("slos_met_for");

            final String label;

            Type(String label) {
                this.label = label;
            }

            public String label() {
                return label;
            }
        }

        public String describe() {
            return switch (type) {
                case NO_WORSE_THAN_LEGACY ->
                    type.label + " (at most " + Percentages.fromBasisPoints((int) parameter) + " points below)";
                case SUCCESS_RATE_AT_LEAST -> type.label + " " + Percentages.fromBasisPoints((int) parameter) + "%";
                case ERROR_BUDGET_ABOVE -> type.label + " " + Percentages.fromBasisPoints((int) parameter) + "%";
                case SLOS_MET_FOR -> type.label + " " + Durations.format(Duration.ofMillis(parameter));
                default -> type.label;
            };
        }
    }

    public static final String DEFAULT = "/config/plans/phase2.yaml";

    public RolloutPlan {
        stages = List.copyOf(stages);
    }

    public int indexOf(String stage) {
        for (int i = 0; i < stages.size(); i++) {
            if (stages.get(i).name().equals(stage)) {
                return i;
            }
        }
        return -1;
    }

    public static RolloutPlan load(Path file) throws IOException {
        YamlFiles.Source src = YamlFiles.read(file, DEFAULT, "plan file", "the built-in phase2.yaml");
        try {
            return parse(src.root());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src.name() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Strict ({@link Settings}): an unknown key, a wrong type, an out-of-range value or a missing
     * required key is refused with one line naming the key, like {@code stages[1].percentage: ...}.
     */
    public static RolloutPlan parse(JsonNode root) {
        Settings top = new Settings("", root);
        String name = top.string("name", "plan");
        List<Stage> stages = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<Settings> items = top.list("stages");
        for (Settings s : items) {
            stages.add(stage(s, names));
        }
        top.finish();
        if (stages.isEmpty()) {
            throw top.missing("stages", "[{name: canary_10, percentage: 10, minDuration: 3d, gates: [slos_met]}]");
        }
        for (int i = 0; i < stages.size(); i++) {
            if (!names.contains(stages.get(i).rollbackTo())) {
                throw items.get(i)
                        .invalid(
                                "rollbackTo", "no stage named '" + stages.get(i).rollbackTo() + "'");
            }
        }
        return new RolloutPlan(name, stages);
    }

    private static Stage stage(Settings s, Set<String> names) {
        String stage = s.string("name", null);
        BigDecimal percentage = s.decimal("percentage");
        boolean dark = s.bool("darkLaunch", false);
        BigDecimal darkPercentage = s.decimal("darkLaunchPercentage");
        Duration min = s.duration("minDuration", null);
        Duration max = s.duration("maxDuration", null);
        List<Gate> gates = new ArrayList<>();
        for (Settings.Named g : s.namedList("gates")) {
            gates.add(gate(g));
        }
        String rollbackTo = s.string("rollbackTo", stage);
        s.finish();
        if (stage == null) {
            throw s.missing("name", "canary_10");
        }
        if (!stage.matches("[a-z][a-z0-9_]*")) {
            throw s.invalid("name", "must be lower-case letters, digits and _, got '" + stage + "'");
        }
        if (!names.add(stage)) {
            throw s.invalid("name", "'" + stage + "' appears twice");
        }
        if (percentage == null) {
            throw s.missing("percentage", "10 (percent of devices on the new transport)");
        }
        if (min == null) {
            throw s.missing("minDuration", "3d");
        }
        if (max == null) {
            max = min.multipliedBy(DEFAULT_MAX_FACTOR);
        } else if (max.compareTo(min) <= 0) {
            throw s.invalid(
                    "maxDuration",
                    "must be longer than minDuration (" + Durations.format(min) + "), got " + Durations.format(max));
        }
        return new Stage(
                stage,
                basisPoints(s, "percentage", percentage),
                dark,
                darkPercentage == null ? 1000 : basisPoints(s, "darkLaunchPercentage", darkPercentage),
                min,
                gates,
                rollbackTo,
                max);
    }

    private static Gate gate(Settings.Named g) {
        Gate.Type type = null;
        for (Gate.Type t : Gate.Type.values()) {
            if (t.label.equals(g.name())) {
                type = t;
            }
        }
        Settings p = g.settings();
        if (type == null) {
            throw new IllegalArgumentException(p.path() + ": no such gate; the gates are "
                    + String.join(
                            ", ",
                            Arrays.stream(Gate.Type.values())
                                    .map(Gate.Type::label)
                                    .toList()));
        }
        // Read before checking, so a misspelt parameter is named as unknown rather than as missing.
        BigDecimal percent = null;
        Duration duration = null;
        String key = "";
        switch (type) {
            case NO_WORSE_THAN_LEGACY -> {
                key = "maxDropPoints";
                percent = p.decimal(key);
            }
            case SUCCESS_RATE_AT_LEAST, ERROR_BUDGET_ABOVE -> {
                key = "percent";
                percent = p.decimal(key);
            }
            case SLOS_MET_FOR -> {
                key = "duration";
                duration = p.duration(key, null);
            }
            default -> {}
        }
        p.finish();
        long parameter = 0;
        if (type == Gate.Type.SLOS_MET_FOR) {
            if (duration == null) {
                throw p.missing(key, "7d");
            }
            parameter = duration.toMillis();
        } else if (!key.isEmpty()) {
            parameter = basisPoints(p, key, percent);
        }
        return new Gate(type, parameter);
    }

    /** A percentage from 0 to 100 with at most 2 decimals, in basis points (as the routing flag holds it). */
    private static int basisPoints(Settings s, String key, BigDecimal p) {
        if (p == null) {
            throw s.missing(key, "50 (percent)");
        }
        if (p.signum() < 0 || p.compareTo(BigDecimal.valueOf(100)) > 0) {
            throw s.invalid(key, "must be a number from 0 to 100 (percent), got " + p.toPlainString());
        }
        BigDecimal bp = p.movePointRight(2);
        if (bp.stripTrailingZeros().scale() > 0) {
            throw s.invalid(key, "at most 2 decimals (0.01% steps), got " + p.toPlainString());
        }
        return bp.intValueExact();
    }
}
