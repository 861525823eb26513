package dev.cync.canary.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import org.junit.jupiter.api.Test;

class NormalDistributionTest {

    /** The approximation's documented fractional error, 1.2e-7, as AssertJ's percentage. */
    private static final double TOLERANCE_PERCENT = 1.2e-5;

    @Test
    void erfcMatchesKnownValuesWithinTheDocumentedError() {
        assertThat(NormalDistribution.erfc(0)).isCloseTo(1.0, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.erfc(0.5)).isCloseTo(0.4795001221869535, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.erfc(1)).isCloseTo(0.15729920705028513, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.erfc(2)).isCloseTo(0.004677734981047266, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.erfc(3)).isCloseTo(2.209049699858544e-5, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.erfc(-1)).isCloseTo(1.8427007929497148, withinPercentage(TOLERANCE_PERCENT));
    }

    @Test
    void erfcOfMinusXIsTwoMinusErfcOfX() {
        for (double x : new double[] {0.1, 0.7, 1.5, 4}) {
            assertThat(NormalDistribution.erfc(-x)).isEqualTo(2 - NormalDistribution.erfc(x));
        }
    }

    @Test
    void cdfGivesTheFamiliarQuantiles() {
        assertThat(NormalDistribution.cdf(0)).isCloseTo(0.5, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.cdf(1.959963984540054)).isCloseTo(0.975, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.cdf(-2.3263478740408408)).isCloseTo(0.01, withinPercentage(TOLERANCE_PERCENT));
        assertThat(NormalDistribution.cdf(-40)).isZero();
        assertThat(NormalDistribution.cdf(40)).isEqualTo(1.0);
    }
}
