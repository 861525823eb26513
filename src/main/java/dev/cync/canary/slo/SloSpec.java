package dev.cync.canary.slo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cync.canary.support.Durations;
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

    /**
     * Strict ({@link Settings}): an unknown key, a wrong type, an out-of-range value or a missing
     * required key is refused with one line naming the key, like {@code objectives[0].target: ...}.
     */
    public static SloSpec parse(JsonNode root) {
        Settings top = new Settings("", root);
        String mode = top.oneOf("mode", "field", "field", "lab");
        long minEvents = top.integer("minEvents", 100, 1, 1_000_000_000);
        Double significance = top.optionalNumber("significance");
        List<Objective> objectives = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Settings o : top.list("objectives")) {
            objectives.add(objective(o, mode, names));
        }
        Settings a = top.section("autoRollback");
        AutoRollback auto = a.present() ? autoRollback(a) : null;
        top.finish();
        if (objectives.isEmpty()) {
            throw top.invalid("objectives", "a list of at least one objective is required (see config/slo.yaml)");
        }
        if (auto == null) {
            throw a.missing("", "{consecutiveFailures: 3, windows: [10m, 1h, 6h], successThreshold: 99.9}");
        }
        if (significance != null && !(significance > 0 && significance < 0.5)) {
            throw top.invalid(
                    "significance", "must be a number above 0 and below 0.5 (like 1.0e-7), got " + significance);
        }
        return new SloSpec(
                mode,
                minEvents,
                objectives,
                auto,
                new Evidence(significance == null ? DEFAULT_SIGNIFICANCE : significance));
    }

    private static Objective objective(Settings o, String mode, Set<String> names) {
        String name = o.string("name", null);
        String description = o.string("description", "");
        String kindText = o.string("kind", null);
        BigDecimal target = o.decimal("target");
        Duration window = o.duration("window", null);
        Duration threshold = o.duration("threshold", null);
        Duration thresholdLab = o.duration("thresholdLab", null);
        o.finish();
        if (name == null) {
            throw o.missing("name", "toggle_success_rate");
        }
        if (!name.matches("[a-z][a-z0-9_]*")) {
            throw o.invalid("name", "must be lower-case letters, digits and _, got '" + name + "'");
        }
        if (!names.add(name)) {
            throw o.invalid("name", "'" + name + "' appears twice");
        }
        if (kindText == null) {
            throw o.missing("kind", "success, latency, retransmits, decode_errors or queue_full");
        }
        Objective.Kind kind = Arrays.stream(Objective.Kind.values())
                .filter(k -> k.label().equals(kindText))
                .findFirst()
                .orElseThrow(() -> o.invalid(
                        "kind",
                        "must be success, latency, retransmits, decode_errors or queue_full, got '" + kindText + "'"));
        long targetPpm = ppm(o, "target", target);
        if (window == null) {
            throw o.missing("window", "30d");
        }
        if (window.isZero() || window.compareTo(SloWindows.HISTORY) > 0) {
            throw o.invalid("window", "must be positive and at most 30d, got " + Durations.format(window));
        }
        Duration chosen = null;
        if (kind == Objective.Kind.LATENCY) {
            positive(o, "thresholdLab", thresholdLab);
            chosen = mode.equals("lab") && thresholdLab != null ? thresholdLab : threshold;
            if (threshold == null) {
                throw o.missing("threshold", "1500ms");
            }
            positive(o, "threshold", threshold);
        } else if (threshold != null || thresholdLab != null) {
            throw o.invalid(threshold != null ? "threshold" : "thresholdLab", "only a latency objective has one");
        }
        return new Objective(name, description, kind, targetPpm, window, chosen);
    }

    private static void positive(Settings s, String key, Duration d) {
        if (d != null && d.isZero()) {
            throw s.invalid(key, "must be positive, got 0s");
        }
    }

    private static AutoRollback autoRollback(Settings a) {
        for (String gone : List.of("successWindow", "fastBurnRate", "fastBurnLongWindow", "fastBurnShortWindow")) {
            if (a.raw(gone) != null) {
                throw a.invalid(
                        gone,
                        "no longer a setting; the check now looks at every window in autoRollback.windows"
                                + " (e.g. [10m, 1h, 6h]) with the evidence rule (see docs/slo.md)");
            }
        }
        int consecutiveFailures = a.integer("consecutiveFailures", 3, 1, 100);
        List<Duration> windows = a.durations("windows");
        BigDecimal successThreshold = a.decimal("successThreshold");
        long minEvents = a.integer("minEvents", 20, 1, 1_000_000_000);
        Cusum.Settings sequential = sequential(a.section("sequential"));
        a.finish();
        if (windows.isEmpty()) {
            throw a.missing("windows", "[10m, 1h, 6h] (a list of at least one window)");
        }
        for (int i = 0; i < windows.size(); i++) {
            Duration w = windows.get(i);
            if (w.toMinutes() < 1 || w.compareTo(SloWindows.HISTORY) > 0) {
                throw a.invalid("windows[" + i + "]", "each window must be from 1m to 30d, got " + Durations.format(w));
            }
        }
        return new AutoRollback(
                consecutiveFailures, windows, ppm(a, "successThreshold", successThreshold), minEvents, sequential);
    }

    /** A percentage above 0 and below 100 with at most 4 decimals, in parts per million. */
    private static long ppm(Settings s, String key, BigDecimal p) {
        if (p == null) {
            throw s.missing(key, "99.9 (percent)");
        }
        if (p.signum() <= 0 || p.compareTo(BigDecimal.valueOf(100)) >= 0) {
            throw s.invalid(key, "must be above 0 and below 100 (percent), got " + p.toPlainString());
        }
        BigDecimal ppm = p.movePointRight(4);
        if (ppm.stripTrailingZeros().scale() > 0) {
            throw s.invalid(key, "at most 4 decimals, got " + p.toPlainString());
        }
        return ppm.longValueExact();
    }

    /** {@code autoRollback.sequential: {burnRate: 10, falseAlarmsPerMonth: 0.01, lookback: 6h}}, or null when absent. */
    private static Cusum.Settings sequential(Settings q) {
        if (!q.present()) {
            return null;
        }
        Double burn = q.optionalNumber("burnRate");
        Double rate = q.optionalNumber("falseAlarmsPerMonth");
        Duration lookback = q.duration("lookback", Duration.ofHours(6));
        q.finish();
        if (burn == null) {
            throw q.missing("burnRate", "10");
        }
        if (rate == null) {
            throw q.missing("falseAlarmsPerMonth", "0.01");
        }
        // Cusum.Settings checks the ranges and names each key by its path in this file.
        return new Cusum.Settings(burn, rate, lookback);
    }
}
