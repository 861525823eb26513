package dev.cync.canary.slo;

/**
 * The new transport against legacy over the same window: a one-sided two-proportion z-test on the
 * good-event ratio (success, or latency good ratio). WORSE when the new transport's ratio is lower
 * with z below -2.326 (1% level); NO_DATA when either side has too few events.
 */
public record Baseline(String objective, Verdict verdict, Ratio newTransport, Ratio legacy, double z) {

    public enum Verdict {
        NO_WORSE("no_worse"),
        WORSE("worse"),
        NO_DATA("no_data");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    static final double Z_CRITICAL = -2.326;

    static Baseline compare(String objective, Ratio newTransport, Ratio legacy, long minEvents) {
        if (newTransport.total() < minEvents || legacy.total() < minEvents) {
            return new Baseline(objective, Verdict.NO_DATA, newTransport, legacy, Double.NaN);
        }
        double p1 = newTransport.value();
        double p2 = legacy.value();
        double pooled = (double) (newTransport.good() + legacy.good()) / (newTransport.total() + legacy.total());
        double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / newTransport.total() + 1.0 / legacy.total()));
        if (se == 0) {
            return new Baseline(
                    objective,
                    p1 >= p2 ? Verdict.NO_WORSE : Verdict.WORSE,
                    newTransport,
                    legacy,
                    p1 >= p2 ? 0 : Double.NEGATIVE_INFINITY);
        }
        double z = (p1 - p2) / se;
        return new Baseline(objective, z < Z_CRITICAL ? Verdict.WORSE : Verdict.NO_WORSE, newTransport, legacy, z);
    }
}
