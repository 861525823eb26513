package dev.cync.canary.slo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Durations;
import dev.cync.canary.support.YamlFiles;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code config/slo.yaml}, read and validated: the objectives, the minimum events for a verdict,
 * and the automatic rollback's settings. Errors name the setting, the value and what is allowed.
 */
public record SloSpec(
        String mode, long minEvents, List<Objective> objectives, AutoRollback autoRollback, Evidence evidence) {

    /**
     * The automatic rollback's checks (see slo.yaml): the new transport's success (against
     * {@code successThresholdPpm}) and latency good ratio (against the latency objective) over each
     * of {@code windows}, judged by the evidence rule.
     */
    public record AutoRollback(
            int consecutiveFailures,
            List<Duration> windows,
            long successThresholdPpm,
            long minEvents,
            Cusum.Settings sequential) {
        public AutoRollback {
            windows = List.copyOf(windows);
        }

        /** Without the sequential test. */
        public AutoRollback(int consecutiveFailures, List<Duration> windows, long successThresholdPpm, long minEvents) {
            this(consecutiveFailures, windows, successThresholdPpm, minEvents, null);
        }
    }

    /** The significance of the evidence rule when slo.yaml does not set one (see docs/slo.md). */
    public static final double DEFAULT_SIGNIFICANCE = 1e-7;

    public static final String EMBEDDED = "/config/slo.yaml";

    public SloSpec {
        objectives = List.copyOf(objectives);
    }

    public Objective objective(Objective.Kind kind) {
        for (Objective o : objectives) {
            if (o.kind() == kind) {
                return o;
            }
        }
        return null;
    }

    /** The latency threshold in force (field or lab). */
    public Duration latencyThreshold() {
        Objective o = objective(Objective.Kind.LATENCY);
        return o == null ? Duration.ofMillis(1500) : o.threshold();
    }

    public static SloSpec load(Path file) throws IOException {
        YamlFiles.Source src = YamlFiles.read(file, EMBEDDED, "SLO file", "the built-in slo.yaml");
        try {
            return parse(src.root());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(src.name() + ": " + e.getMessage(), e);
        }
    }

    public static SloSpec parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("must be a map of settings");
        }
        only(root, "", Set.of("mode", "minEvents", "significance", "objectives", "autoRollback"));
        String mode = text(root, "mode", "field");
        if (!mode.equals("field") && !mode.equals("lab")) {
            throw new IllegalArgumentException("mode: must be field or lab, got '" + mode + "'");
        }
        long minEvents = whole(root, "minEvents", 100, 1, 1_000_000_000);
        JsonNode list = root.get("objectives");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalArgumentException("objectives: a list of at least one objective is required");
        }
        List<Objective> objectives = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (JsonNode o : list) {
            String name = text(o, "name", null);
            if (name == null || !name.matches("[a-z][a-z0-9_]*")) {
                throw new IllegalArgumentException(
                        "objectives: every objective needs a name of lower-case letters, digits and _, got '" + name
                                + "'");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("objectives: '" + name + "' appears twice");
            }
            only(o, name + ".", Set.of("name", "description", "kind", "target", "window", "threshold", "thresholdLab"));
            Objective.Kind kind;
            try {
                kind = Objective.Kind.of(text(o, "kind", ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ".kind: " + e.getMessage(), e);
            }
            Duration threshold = null;
            if (kind == Objective.Kind.LATENCY) {
                threshold =
                        duration(o, mode.equals("lab") && o.has("thresholdLab") ? "thresholdLab" : "threshold", name);
            }
            objectives.add(new Objective(
                    name, text(o, "description", ""), kind, ppm(o, name), duration(o, "window", name), threshold));
        }
        JsonNode a = root.get("autoRollback");
        if (a == null || !a.isObject()) {
            throw new IllegalArgumentException("autoRollback: the automatic rollback's settings are required");
        }
        for (String gone : List.of("successWindow", "fastBurnRate", "fastBurnLongWindow", "fastBurnShortWindow")) {
            if (a.has(gone)) {
                throw new IllegalArgumentException(
                        "autoRollback." + gone + ": no longer a setting; the check now looks at every window in"
                                + " autoRollback.windows (e.g. [10m, 1h, 6h]) with the evidence rule (see docs/slo.md)");
            }
        }
        only(
                a,
                "autoRollback.",
                Set.of("consecutiveFailures", "windows", "successThreshold", "minEvents", "sequential"));
        JsonNode w = a.get("windows");
        if (w == null || !w.isArray() || w.isEmpty()) {
            throw new IllegalArgumentException(
                    "autoRollback.windows: a list of at least one window is required, like [10m, 1h, 6h]");
        }
        List<Duration> autoWindows = new ArrayList<>();
        for (JsonNode d : w) {
            Duration dd;
            try {
                dd = Durations.parse(d.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("autoRollback.windows: " + e.getMessage(), e);
            }
            if (dd.toMinutes() < 1 || dd.compareTo(SloWindows.HISTORY) > 0) {
                throw new IllegalArgumentException(
                        "autoRollback.windows: each window must be from 1m to 30d, got " + d.asText());
            }
            autoWindows.add(dd);
        }
        AutoRollback auto = new AutoRollback(
                (int) whole(a, "consecutiveFailures", 3, 1, 100),
                autoWindows,
                ppm(a.get("successThreshold"), "autoRollback.successThreshold"),
                whole(a, "minEvents", 20, 1, 1_000_000_000),
                sequential(a.get("sequential")));
        JsonNode sig = root.get("significance");
        double significance = DEFAULT_SIGNIFICANCE;
        if (sig != null && !sig.isNull()) {
            if (!sig.isNumber() || !(sig.doubleValue() > 0 && sig.doubleValue() < 0.5)) {
                throw new IllegalArgumentException(
                        "significance: must be a number above 0 and below 0.5 (like 1.0e-7), got '" + sig.asText()
                                + "'");
            }
            significance = sig.doubleValue();
        }
        return new SloSpec(mode, minEvents, objectives, auto, new Evidence(significance));
    }

    private static void only(JsonNode n, String prefix, Set<String> allowed) {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new IllegalArgumentException("unknown setting " + prefix + f + "; the settings here are "
                        + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private static String text(JsonNode n, String key, String dflt) {
        JsonNode v = n.get(key);
        return v == null || v.isNull() ? dflt : v.asText();
    }

    private static long whole(JsonNode n, String key, long dflt, long min, long max) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(
                    key + ": must be a whole number from " + min + " to " + max + ", got '" + v.asText() + "'");
        }
        return v.asLong();
    }

    private static double number(JsonNode n, String key, String prefix) {
        JsonNode v = n.get(key);
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(prefix + key + ": a number is required");
        }
        return v.doubleValue();
    }

    private static Duration duration(JsonNode n, String key, String owner) {
        JsonNode v = n.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(owner + "." + key + ": a duration is required, like 10m, 24h or 30d");
        }
        try {
            Duration d = Durations.parse(v.asText());
            if (d.isZero()) {
                throw new IllegalArgumentException("must be positive");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + "." + key + ": " + e.getMessage(), e);
        }
    }

    private static long ppm(JsonNode o, String name) {
        JsonNode v = o.isObject() ? o.get("target") : o;
        String where = o.isObject() ? name + ".target" : name;
        if (v == null || !v.isNumber()) {
            throw new IllegalArgumentException(where + ": a percentage is required, like 99.9");
        }
        BigDecimal p = v.decimalValue();
        if (p.signum() <= 0 || p.compareTo(BigDecimal.valueOf(100)) >= 0) {
            throw new IllegalArgumentException(
                    where + ": must be above 0 and below 100 (percent), got " + p.toPlainString());
        }
        BigDecimal ppm = p.movePointRight(4);
        if (ppm.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException(where + ": at most 4 decimals, got " + p.toPlainString());
        }
        return ppm.longValueExact();
    }

    /** {@code autoRollback.sequential: {burnRate: 10, falseAlarmsPerMonth: 0.01, lookback: 6h}}, or null when absent. */
    private static Cusum.Settings sequential(JsonNode q) {
        if (q == null || q.isNull()) {
            return null;
        }
        if (!q.isObject()) {
            throw new IllegalArgumentException(
                    "autoRollback.sequential: must be {burnRate: 10, falseAlarmsPerMonth: 0.01, lookback: 6h}");
        }
        only(q, "autoRollback.sequential.", Set.of("burnRate", "falseAlarmsPerMonth", "lookback"));
        double burn = q.path("burnRate").asDouble(Double.NaN);
        double rate = q.path("falseAlarmsPerMonth").asDouble(Double.NaN);
        Duration lookback;
        try {
            lookback = Durations.parse(q.path("lookback").asText("6h"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("autoRollback.sequential.lookback: " + e.getMessage(), e);
        }
        return new Cusum.Settings(burn, rate, lookback);
    }
}
