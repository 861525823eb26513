package dev.cync.canary.rollout;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.flags.FlagValues;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.Percentages;
import dev.cync.canary.support.YamlFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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

    public static RolloutPlan parse(JsonNode root) {
        if (root == null
                || !root.isObject()
                || !root.path("stages").isArray()
                || root.path("stages").isEmpty()) {
            throw new IllegalArgumentException("a plan needs a name and a list of stages");
        }
        String name = root.path("name").asText("plan");
        List<Stage> stages = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode s : root.get("stages")) {
            String stage = s.path("name").asText("");
            if (!stage.matches("[a-z][a-z0-9_]*") || !names.add(stage)) {
                throw new IllegalArgumentException(
                        "stage names must be unique, lower-case letters, digits and _; got '" + stage + "'");
            }
            for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!Set.of(
                                "name",
                                "percentage",
                                "darkLaunch",
                                "darkLaunchPercentage",
                                "minDuration",
                                "maxDuration",
                                "gates",
                                "rollbackTo")
                        .contains(f)) {
                    throw new IllegalArgumentException(stage + ": unknown setting '" + f + "'");
                }
            }
            int bp = FlagValues.parsePercentage(
                    stage + ".percentage", s.path("percentage").asText("missing"));
            boolean dark = s.path("darkLaunch").asBoolean(false);
            int darkBp = FlagValues.parsePercentage(
                    stage + ".darkLaunchPercentage",
                    s.path("darkLaunchPercentage").asText("10"));
            Duration min;
            try {
                min = Durations.parse(s.path("minDuration").asText(""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(stage + ".minDuration: " + e.getMessage(), e);
            }
            Duration max = min.multipliedBy(DEFAULT_MAX_FACTOR);
            if (s.has("maxDuration")) {
                try {
                    max = Durations.parse(s.get("maxDuration").asText());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(stage + ".maxDuration: " + e.getMessage(), e);
                }
                if (max.compareTo(min) <= 0) {
                    throw new IllegalArgumentException(stage + ".maxDuration: must be longer than minDuration ("
                            + Durations.format(min) + "), got " + Durations.format(max));
                }
            }
            List<Gate> gates = new ArrayList<>();
            for (JsonNode g : s.path("gates")) {
                gates.add(gate(stage, g));
            }
            stages.add(new Stage(
                    stage, bp, dark, darkBp, min, gates, s.path("rollbackTo").asText(stage), max));
        }
        for (Stage s : stages) {
            if (!names.contains(s.rollbackTo())) {
                throw new IllegalArgumentException(s.name() + ".rollbackTo: no stage named '" + s.rollbackTo() + "'");
            }
        }
        return new RolloutPlan(name, stages);
    }

    private static Gate gate(String stage, JsonNode g) {
        String type;
        JsonNode params;
        if (g.isTextual()) {
            type = g.asText();
            params = null;
        } else if (g.isObject() && g.size() == 1) {
            Map.Entry<String, JsonNode> e = g.fields().next();
            type = e.getKey();
            params = e.getValue();
        } else {
            throw new IllegalArgumentException(stage + ".gates: each gate is a name or {name: {parameters}}, got " + g);
        }
        for (Gate.Type t : Gate.Type.values()) {
            if (t.label.equals(type)) {
                long p = switch (t) {
                    case NO_WORSE_THAN_LEGACY ->
                        FlagValues.parsePercentage(
                                stage + "." + type + ".maxDropPoints", param(params, "maxDropPoints", stage, type));
                    case SUCCESS_RATE_AT_LEAST, ERROR_BUDGET_ABOVE ->
                        FlagValues.parsePercentage(
                                stage + "." + type + ".percent", param(params, "percent", stage, type));
                    case SLOS_MET_FOR ->
                        Durations.parse(param(params, "duration", stage, type)).toMillis();
                    default -> 0;
                };
                return new Gate(t, p);
            }
        }
        throw new IllegalArgumentException(stage + ".gates: unknown gate '" + type + "'");
    }

    private static String param(JsonNode params, String key, String stage, String type) {
        if (params == null || !params.has(key)) {
            throw new IllegalArgumentException(stage + "." + type + ": needs {" + key + ": ...}");
        }
        return params.get(key).asText();
    }
}
