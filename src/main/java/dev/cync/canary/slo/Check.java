package dev.cync.canary.slo;

import java.util.Map;

/**
 * One objective's verdict for one transport, with its numbers.
 *
 * @param burnRates burn rate by window label (5m, 30m, 1h, 6h, 1d, 3d)
 */
public record Check(
        Objective objective,
        String transport,
        Result result,
        Ratio ratio,
        double budgetRemaining,
        Map<String, Double> burnRates) {

    /** PASS, FAIL or NO_DATA (too few events): docs/design.md rule 7. */
    public enum Result {
        PASS("pass"),
        FAIL("fail"),
        NO_DATA("no_data");

        private final String label;

        Result(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }
}
