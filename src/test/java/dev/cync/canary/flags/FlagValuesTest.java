package dev.cync.canary.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlagValuesTest {

    @Test
    void percentagesAreExactBasisPoints() {
        assertThat(FlagValues.parsePercentage("P", "25")).isEqualTo(2500);
        assertThat(FlagValues.parsePercentage("P", "0.5")).isEqualTo(50);
        assertThat(FlagValues.parsePercentage("P", "12.34")).isEqualTo(1234);
        assertThat(FlagValues.parsePercentage("P", " 100 ")).isEqualTo(10_000);
        assertThat(FlagValues.parsePercentage("P", "0")).isZero();
        assertThat(FlagValues.percentage("P", 0.1 + 0.2 - 0.3 + 10)).isEqualTo(1000);
    }

    @Test
    void badPercentagesNameTheSettingAndTheRange() {
        for (String bad : new String[] {"150", "-1", "NaN", "abc", "", "1e400", "0.001", "Infinity"}) {
            assertThatThrownBy(() -> FlagValues.parsePercentage("CANARY_PERCENTAGE", bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("CANARY_PERCENTAGE ");
        }
        assertThatThrownBy(() -> FlagValues.parsePercentage("CANARY_PERCENTAGE", "150"))
                .hasMessage("CANARY_PERCENTAGE must be a number from 0 to 100 (up to 2 decimals), got '150'");
        assertThatThrownBy(() -> FlagValues.parsePercentage("P", "0.001")).hasMessageContaining("at most 2 decimals");
        assertThatThrownBy(() -> FlagValues.percentage("P", Double.NaN)).hasMessageContaining("P must be a number");
    }

    @Test
    void deviceIdsAndLists() {
        assertThat(FlagValues.parseIds("C", " 3D54861C, dev-1,,dev-1 ")).containsExactly("3d54861c", "dev-1");
        assertThatThrownBy(() -> FlagValues.parseIds("CANARY_COHORT", "ok, bad id"))
                .hasMessageStartingWith("CANARY_COHORT: 'bad id' is not a device id");
        assertThatThrownBy(() -> FlagValues.checkSalt("CANARY_SALT", " "))
                .hasMessageStartingWith("CANARY_SALT must not be empty");
        assertThatThrownBy(() -> FlagValues.parseBoolean("DARK_LAUNCH", "maybe"))
                .hasMessage("DARK_LAUNCH must be true or false, got 'maybe'");
    }
}
