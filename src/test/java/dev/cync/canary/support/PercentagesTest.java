package dev.cync.canary.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentagesTest {

    @Test
    void basisPointsAreWrittenWithoutTrailingZerosOrExponent() {
        assertThat(Percentages.fromBasisPoints(0)).isEqualTo("0");
        assertThat(Percentages.fromBasisPoints(50)).isEqualTo("0.5");
        assertThat(Percentages.fromBasisPoints(1234)).isEqualTo("12.34");
        assertThat(Percentages.fromBasisPoints(2500)).isEqualTo("25");
        assertThat(Percentages.fromBasisPoints(10000)).isEqualTo("100");
    }

    @Test
    void millionthsKeepEveryDigitTheyHave() {
        assertThat(Percentages.fromMillionths(999500)).isEqualTo("99.95");
        assertThat(Percentages.fromMillionths(999999)).isEqualTo("99.9999");
        assertThat(Percentages.fromMillionths(1000000)).isEqualTo("100");
        assertThat(Percentages.fromMillionths(0)).isEqualTo("0");
    }
}
