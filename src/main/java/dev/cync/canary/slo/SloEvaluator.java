package dev.cync.canary.slo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Judges every objective for each transport, and the new transport against legacy (docs/design.md rule 7). */
public final class SloEvaluator {

    /** The burn-rate windows reported for every objective. */
    public static final Map<String, Duration> BURN_WINDOWS = burnWindows();

    private final SloSpec spec;
    private final SloWindows windows;

    public SloEvaluator(SloSpec spec, SloWindows windows) {
        this.spec = spec;
        this.windows = windows;
    }

    public SloSpec spec() {
        return spec;
    }

    public SloWindows windows() {
        return windows;
    }

    private static Map<String, Duration> burnWindows() {
        Map<String, Duration> m = new LinkedHashMap<>();
        m.put("5m", Duration.ofMinutes(5));
        m.put("30m", Duration.ofMinutes(30));
        m.put("1h", Duration.ofHours(1));
        m.put("6h", Duration.ofHours(6));
        m.put("1d", Duration.ofDays(1));
        m.put("3d", Duration.ofDays(3));
        return m;
    }

    /** Every objective for {@code transport} over its own window. */
    public List<Check> checks(String transport, long nowMillis) {
        List<Check> out = new ArrayList<>();
        for (Objective o : spec.objectives()) {
            out.add(check(o, transport, o.window(), nowMillis));
        }
        return out;
    }

    /** One objective for {@code transport} over {@code window}. */
    public Check check(Objective o, String transport, Duration window, long nowMillis) {
        Ratio r = windows.ratio(o, transport, window, nowMillis);
        // The evidence rule: FAIL only on a significant miss; below the target without one is NO_DATA (insufficient
        // evidence).
        Check.Result result =
                spec.evidence().judge(r, o.targetPpm(), spec.minEvents()).result();
        Map<String, Double> burn = new LinkedHashMap<>();
        for (Map.Entry<String, Duration> w : BURN_WINDOWS.entrySet()) {
            burn.put(
                    w.getKey(),
                    windows.ratio(o, transport, w.getValue(), nowMillis).burnRate(o.targetPpm()));
        }
        return new Check(o, transport, result, r, r.budgetRemaining(o.targetPpm()), burn);
    }

    /** The new transport against legacy, for success and latency, over each objective's window (or {@code window} if given). */
    public List<Baseline> baselines(String newTransport, String legacy, Duration window, long nowMillis) {
        List<Baseline> out = new ArrayList<>();
        for (Objective o : spec.objectives()) {
            if (o.kind() == Objective.Kind.SUCCESS || o.kind() == Objective.Kind.LATENCY) {
                Duration w = window != null ? window : o.window();
                out.add(Baseline.compare(
                        o.name(),
                        windows.ratio(o, newTransport, w, nowMillis),
                        windows.ratio(o, legacy, w, nowMillis),
                        spec.minEvents()));
            }
        }
        return out;
    }
}
