package dev.cync.canary.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.transport.TransportKind;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.NotBlank;
import net.jqwik.api.constraints.StringLength;

class RoutingProperties {

    @Property(tries = 2000)
    void raisingThePercentageNeverMovesADeviceBackToLegacy(
            @ForAll @NotBlank @StringLength(max = 40) String deviceId,
            @ForAll @AlphaChars @StringLength(min = 1, max = 20) String salt,
            @ForAll @IntRange(min = 0, max = 10_000) int from,
            @ForAll @IntRange(min = 0, max = 10_000) int to) {
        int low = Math.min(from, to);
        int high = Math.max(from, to);
        RoutingConfig before = new RoutingConfig(low, salt, Set.of(), Set.of(), false, false, 0, 1);
        RoutingConfig after = new RoutingConfig(high, salt, Set.of(), Set.of(), false, false, 0, 2);
        if (CanaryRouter.decide(before, deviceId).transport() == TransportKind.NEW) {
            assertThat(CanaryRouter.decide(after, deviceId).transport()).isEqualTo(TransportKind.NEW);
        }
    }

    @Property(tries = 1000)
    void zeroIsNobodyAndAHundredIsEverybody(@ForAll @NotBlank @StringLength(max = 40) String deviceId) {
        assertThat(CanaryRouter.decide(new RoutingConfig(0, "s", Set.of(), Set.of(), false, false, 0, 1), deviceId)
                        .transport())
                .isEqualTo(TransportKind.LEGACY);
        assertThat(CanaryRouter.decide(new RoutingConfig(10_000, "s", Set.of(), Set.of(), false, false, 0, 1), deviceId)
                        .transport())
                .isEqualTo(TransportKind.NEW);
    }
}
