package dev.cync.canary.slo;

import dev.cync.canary.support.NormalDistribution;

/**
 * Good events out of all events in a window, and what they mean against a target, in exact
 * integer arithmetic: a ratio exactly at its target passes, with no 0.0009999 surprises.
 */
public record Ratio(long good, long total) {

    public long bad() {
        return total - good;
    }

    public double value() {
        return total == 0 ? Double.NaN : (double) good / total;
    }

    /** Whether good / total >= target, exactly. */
    public boolean meets(long targetPpm) {
        return good * Objective.MILLION >= total * targetPpm;
    }

    /**
     * Error budget left: 1 - bad / (total x (1 - target)), floored at 0 (the spec's formula), and
     * 1 when there were no events.
     */
    public double budgetRemaining(long targetPpm) {
        if (total == 0) {
            return 1.0;
        }
        double used = (double) bad() * Objective.MILLION / ((double) total * (Objective.MILLION - targetPpm));
        return Math.max(0.0, 1.0 - used);
    }

    /**
     * The chance of seeing at least this many bad events if the true bad rate were exactly what the
     * target allows (one-sided binomial tail). A small value is evidence the target is really missed,
     * not a small sample's bad luck: one failure in 120 commands is below 99.5% but happens 45% of
     * the time at exactly 99.5%.
     */
    public double missProbability(long targetPpm) {
        long k = bad();
        if (k == 0 || total == 0) {
            return 1.0;
        }
        double p = (double) (Objective.MILLION - targetPpm) / Objective.MILLION;
        if (total > 20_000) {
            double mean = total * p;
            double sd = Math.sqrt(total * p * (1 - p));
            double z = (k - 0.5 - mean) / sd;
            return 0.5 * NormalDistribution.erfc(z / Math.sqrt(2));
        }
        // P(X >= k) = 1 - sum_{i<k} pmf(i), pmf built up in log space to stay finite.
        double logPmf = total * Math.log1p(-p);
        double below = 0;
        for (long i = 0; i < k; i++) {
            below += Math.exp(logPmf);
            logPmf += Math.log((double) (total - i) / (i + 1)) + Math.log(p) - Math.log1p(-p);
        }
        return Math.max(0.0, 1.0 - below);
    }

    /** How many times faster than allowed the budget burns: (bad / total) / (1 - target); 0 without events. */
    public double burnRate(long targetPpm) {
        if (total == 0) {
            return 0.0;
        }
        return (double) bad() * Objective.MILLION / ((double) total * (Objective.MILLION - targetPpm));
    }
}
