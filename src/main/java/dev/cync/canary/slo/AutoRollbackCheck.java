package dev.cync.canary.slo;

import dev.cync.canary.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One minute's automatic-rollback check of a transport: its success and latency good ratio over
 * every window of {@link SloSpec.AutoRollback#windows()}, each judged by the {@link Evidence} rule.
 * The short window sees a large fleet's fault in minutes; the long ones let a small fleet's few
 * commands add up to evidence in hours; with {@code sequential} set, a CUSUM ({@link Cusum}) adds
 * the evidence up command by command as well. FAIL when any window or the sequential test shows a
 * significant breach; PASS when
 * some window has {@code minEvents} commands and none breaches; NO_DATA otherwise.
 *
 * <p>Stateless and thread-safe: it reads the windows at the moment given.
 */
public final class AutoRollbackCheck {

    /** The verdict and its explanation (the failing windows with their numbers, or why there is no verdict). */
    public record Result(Check.Result result, List<String> failures, String detail) {}

    private final SloSpec spec;
    private final SloWindows windows;

    public AutoRollbackCheck(SloSpec spec, SloWindows windows) {
        this.spec = spec;
        this.windows = windows;
    }

    public Result check(String transport, long nowMillis) {
        SloSpec.AutoRollback a = spec.autoRollback();
        Evidence evidence = spec.evidence();
        Objective success = spec.objective(Objective.Kind.SUCCESS);
        Objective latency = spec.objective(Objective.Kind.LATENCY);
        List<String> failures = new ArrayList<>();
        long most = 0;
        for (Duration w : a.windows()) {
            Ratio r = windows.ratio(success, transport, w, nowMillis);
            most = Math.max(most, r.total());
            Evidence.Verdict v = evidence.judge(r, a.successThresholdPpm(), a.minEvents());
            if (v.result() == Check.Result.FAIL) {
                failures.add("success over " + Durations.format(w) + " " + v.detail());
            }
            if (latency != null) {
                Evidence.Verdict l = evidence.judge(
                        windows.ratio(latency, transport, w, nowMillis), latency.targetPpm(), a.minEvents());
                if (l.result() == Check.Result.FAIL) {
                    failures.add("latency within " + latency.threshold().toMillis() + " ms over " + Durations.format(w)
                            + " " + l.detail());
                }
            }
        }
        Cusum.Settings q = a.sequential();
        if (q != null) {
            // The sequential test: evidence added up command by command over the lookback, whatever the fleet's rate.
            Cusum.Result cs = Cusum.judge(
                    windows.perMinute(success, transport, q.lookback(), nowMillis), a.successThresholdPpm(), q);
            if (cs.alarm()) {
                failures.add("success " + cs.detail());
            }
            if (latency != null) {
                Cusum.Result cl = Cusum.judge(
                        windows.perMinute(latency, transport, q.lookback(), nowMillis), latency.targetPpm(), q);
                if (cl.alarm()) {
                    failures.add("latency within " + latency.threshold().toMillis() + " ms " + cl.detail());
                }
            }
        }
        if (!failures.isEmpty()) {
            return new Result(Check.Result.FAIL, failures, String.join("; ", failures));
        }
        if (most < a.minEvents()) {
            return new Result(
                    Check.Result.NO_DATA,
                    failures,
                    "NO_DATA: at most " + most + " commands on the " + transport + " transport in any window (need "
                            + a.minEvents() + ")");
        }
        return new Result(Check.Result.PASS, failures, "PASS");
    }
}
