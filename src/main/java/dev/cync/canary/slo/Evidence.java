package dev.cync.canary.slo;

import dev.cync.canary.support.NormalDistribution;
import dev.cync.canary.support.Percentages;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The one evidence rule for gates and the automatic rollback (docs/design.md rule 7): a share of good
 * events FAILs a target only when the miss is significant, i.e. when seeing this many bad events
 * would be less likely than {@code significance} if the target were exactly met (one-sided
 * binomial tail); it PASSes when it meets the target with at least {@code minEvents} events; and
 * anything between (too few events, or below the target without significance) is
 * {@link Check.Result#NO_DATA}: not enough evidence either way, which holds and never rolls back.
 * See docs/slo.md for how the significance gives the designed false-alarm rate.
 */
public record Evidence(double significance) {

    public Evidence {
        if (!(significance > 0 && significance < 0.5)) {
            throw new IllegalArgumentException("significance: must be above 0 and below 0.5, got " + significance);
        }
    }

    /**
     * One judgement, with the numbers that led to it. The explanation is written only when read:
     * a rehearsal judges a month of minutes, and formatting every verdict's text cost more than
     * the judgement itself.
     */
    public record Verdict(Check.Result result, Ratio ratio, long targetPpm, double p, Supplier<String> explanation) {
        public String detail() {
            return explanation.get();
        }
    }

    /** {@code p} is the miss probability when the target is missed, and 1 when it is met (no miss to test). */
    public Verdict judge(Ratio r, long targetPpm, long minEvents) {
        boolean meets = r.meets(targetPpm);
        double p = meets ? 1.0 : r.missProbability(targetPpm);
        Supplier<String> pct = () -> String.format(
                Locale.ROOT, "%.3f%% of %d vs %s%%", 100 * r.value(), r.total(), Percentages.fromMillionths(targetPpm));
        if (r.total() > 0 && !meets && p < significance) {
            return new Verdict(
                    Check.Result.FAIL,
                    r,
                    targetPpm,
                    p,
                    () -> String.format(Locale.ROOT, "%s (p=%.2g < %.2g)", pct.get(), p, significance));
        }
        if (r.total() < minEvents) {
            return new Verdict(
                    Check.Result.NO_DATA,
                    r,
                    targetPpm,
                    p,
                    () -> "no data: " + r.total() + " events (need " + minEvents + ")");
        }
        if (meets) {
            return new Verdict(Check.Result.PASS, r, targetPpm, p, pct);
        }
        return new Verdict(
                Check.Result.NO_DATA,
                r,
                targetPpm,
                p,
                () -> String.format(
                        Locale.ROOT,
                        "insufficient evidence: %s (p=%.2g, a breach needs p < %.2g)",
                        pct.get(),
                        p,
                        significance));
    }

    /**
     * New against legacy: FAIL when the new ratio is significantly more than {@code maxDropPpm} below
     * legacy's (one-sided z-test on the difference, unpooled), PASS when it is not below by more than
     * that, NO_DATA otherwise.
     */
    public Verdict noWorse(Ratio newTransport, Ratio legacy, long maxDropPpm, long minEvents) {
        if (newTransport.total() < minEvents || legacy.total() < minEvents) {
            return new Verdict(
                    Check.Result.NO_DATA,
                    newTransport,
                    0,
                    1,
                    () -> "no data: " + newTransport.total() + " new and " + legacy.total() + " legacy events (need "
                            + minEvents + ")");
        }
        double pn = newTransport.value();
        double pl = legacy.value();
        double drop = maxDropPpm / (double) Objective.MILLION;
        Supplier<String> text = () -> String.format(Locale.ROOT, "new %.3f%% vs legacy %.3f%%", 100 * pn, 100 * pl);
        // Exact integer comparison for the point estimate: new >= legacy - drop.
        boolean ok = (double) newTransport.good() * legacy.total() * Objective.MILLION
                >= (double) legacy.good() * newTransport.total() * Objective.MILLION
                        - (double) maxDropPpm * newTransport.total() * legacy.total();
        if (ok) {
            return new Verdict(Check.Result.PASS, newTransport, 0, 1, text);
        }
        // Variance at least one event's worth on each side, so a side with no failures still has an error bar.
        double vn = Math.max(pn * (1 - pn), 1.0 / newTransport.total()) / newTransport.total();
        double vl = Math.max(pl * (1 - pl), 1.0 / legacy.total()) / legacy.total();
        double z = (pn - pl + drop) / Math.sqrt(vn + vl);
        double p = NormalDistribution.cdf(z);
        if (p < significance) {
            return new Verdict(
                    Check.Result.FAIL,
                    newTransport,
                    0,
                    p,
                    () -> String.format(Locale.ROOT, "%s (p=%.2g < %.2g)", text.get(), p, significance));
        }
        return new Verdict(
                Check.Result.NO_DATA,
                newTransport,
                0,
                p,
                () -> String.format(
                        Locale.ROOT,
                        "insufficient evidence: %s (p=%.2g, a breach needs p < %.2g)",
                        text.get(),
                        p,
                        significance));
    }
}
