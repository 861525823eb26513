package dev.cync.canary.rollout;

import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.Evidence;
import dev.cync.canary.slo.Objective;
import dev.cync.canary.slo.Ratio;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Judges a stage's gates by the same evidence rule as the automatic rollback ({@link Evidence}):
 * a gate FAILs only on a significant breach; it PASSes when the numbers meet it; anything else
 * (too few events, or short of the mark without significance) is NO_DATA, which holds the stage
 * and extends it, never rolls it back.
 *
 * <p>Evidence accumulates: an objective whose own window holds too few events for a verdict (a
 * small fleet's hour of queue_full_rate) is judged over the whole stage instead.
 *
 * <p>Stateless; called under the rollout controller's lock.
 */
final class GateEvaluator {

    /** A gate's verdict and the numbers behind it. */
    record Verdict(Check.Result result, String detail) {}

    private final SloEvaluator evaluator;
    private final SloSpec spec;

    GateEvaluator(SloEvaluator evaluator) {
        this.evaluator = evaluator;
        this.spec = evaluator.spec();
    }

    /**
     * @param stageWindow how long the stage has been watched (its evidence)
     * @param lastSloFailureAt the last significant failure of any objective of the new transport, or null
     */
    Verdict judge(RolloutPlan.Gate g, Duration stageWindow, Instant lastSloFailureAt, Instant now) {
        long nowMs = now.toEpochMilli();
        Duration stage = clamp(stageWindow);
        Objective success = spec.objective(Objective.Kind.SUCCESS);
        Evidence evidence = spec.evidence();
        switch (g.type()) {
            case MIRROR_DATA -> {
                List<String> missing = new ArrayList<>();
                for (Objective o : spec.objectives()) {
                    if (evaluator
                                    .windows()
                                    .ratio(o, RolloutController.NEW, stage, nowMs)
                                    .total()
                            < spec.minEvents()) {
                        missing.add(o.name());
                    }
                }
                return missing.isEmpty()
                        ? new Verdict(Check.Result.PASS, "data for every objective")
                        : new Verdict(
                                Check.Result.NO_DATA, "no data: too few events for " + String.join(", ", missing));
            }
            case NO_WORSE_THAN_LEGACY -> {
                Ratio n = evaluator.windows().ratio(success, RolloutController.NEW, stage, nowMs);
                Ratio l = evaluator.windows().ratio(success, RolloutController.LEGACY, stage, nowMs);
                Evidence.Verdict v = evidence.noWorse(n, l, g.parameter() * 100, spec.minEvents());
                return new Verdict(v.result(), v.detail());
            }
            case SUCCESS_RATE_AT_LEAST -> {
                Evidence.Verdict v = evidence.judge(
                        evaluator.windows().ratio(success, RolloutController.NEW, stage, nowMs),
                        g.parameter() * 100,
                        spec.minEvents());
                return new Verdict(v.result(), v.detail());
            }
            case SLOS_MET -> {
                return slosMet(stage, nowMs, 0);
            }
            case ERROR_BUDGET_ABOVE -> {
                return slosMet(stage, nowMs, g.parameter());
            }
            case SLOS_MET_FOR -> {
                Verdict met = slosMet(stage, nowMs, 0);
                if (met.result() != Check.Result.PASS) {
                    return met;
                }
                Instant since = now.minusMillis(g.parameter());
                boolean ok = lastSloFailureAt == null || lastSloFailureAt.isBefore(since);
                return new Verdict(
                        ok ? Check.Result.PASS : Check.Result.FAIL,
                        ok
                                ? "no objective failed for " + Durations.format(Duration.ofMillis(g.parameter()))
                                : "an objective failed (significantly) at " + lastSloFailureAt);
            }
            default -> throw new IllegalStateException(g.type().toString());
        }
    }

    /**
     * Every objective of the new transport meets its target over its window, or, with
     * {@code budgetBasisPoints} above 0, keeps more than that share of its error budget: the target
     * becomes target + budget share x (1 - target), judged by the same rule.
     */
    private Verdict slosMet(Duration stage, long nowMs, long budgetBasisPoints) {
        List<String> fail = new ArrayList<>();
        List<String> none = new ArrayList<>();
        for (Objective o : spec.objectives()) {
            Ratio r = evaluator.windows().ratio(o, RolloutController.NEW, o.window(), nowMs);
            if (r.total() < spec.minEvents() && stage.compareTo(o.window()) > 0) {
                r = evaluator.windows().ratio(o, RolloutController.NEW, stage, nowMs);
            }
            long target = o.targetPpm() + (Objective.MILLION - o.targetPpm()) * budgetBasisPoints / 10_000;
            Evidence.Verdict v = spec.evidence().judge(r, Math.min(target, Objective.MILLION - 1), spec.minEvents());
            String line = o.name()
                    + (budgetBasisPoints > 0
                            ? String.format(
                                    Locale.ROOT, " (budget left %.1f%%)", 100 * r.budgetRemaining(o.targetPpm()))
                            : "")
                    + ": " + v.detail();
            if (v.result() == Check.Result.FAIL) {
                fail.add(line);
            } else if (v.result() == Check.Result.NO_DATA) {
                none.add(line);
            }
        }
        if (!fail.isEmpty()) {
            return new Verdict(Check.Result.FAIL, String.join(", ", fail));
        }
        if (!none.isEmpty()) {
            return new Verdict(Check.Result.NO_DATA, String.join(", ", none));
        }
        return new Verdict(Check.Result.PASS, budgetBasisPoints > 0 ? "every budget above" : "every objective met");
    }

    private static Duration clamp(Duration d) {
        long ms = Math.max(60_000, Math.min(d.toMillis(), Duration.ofDays(30).toMillis()));
        return Duration.ofMillis(ms);
    }
}
