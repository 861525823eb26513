package dev.cync.canary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.device.DeviceRegistry;
import dev.cync.canary.protocol.DeviceId;
import dev.cync.canary.time.VirtualClock;
import dev.cync.canary.transport.DeviceCommand;
import dev.cync.canary.transport.Outcome;
import dev.cync.canary.transport.TransportStats;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, reproduction 6 (bench): the raw arm's accounting used to derive its in-flight count
 * from the other three, so its check could not fail. Now every arm is checked from independent
 * counts, and a disagreement between any two of them fails it.
 */
class BenchAccountingTest {

    static TransportStats stats(long sent, long ok, long failed, long inFlight) {
        Map<Outcome, Long> f = new EnumMap<>(Outcome.class);
        f.put(Outcome.TIMEOUT, failed);
        return new TransportStats(sent, ok, f, inFlight, 0);
    }

    @Test
    void theRawArmCountsItsOwnCommands() {
        RawBaseline raw =
                new RawBaseline(new DeviceRegistry(), VirtualClock.startingAt(Instant.EPOCH), Duration.ofSeconds(2));
        TransportStats before = raw.stats();
        // No connection ever reported this endpoint, so each command fails at once as unknown_target.
        for (int i = 0; i < 5; i++) {
            assertThat(raw.apply(DeviceCommand.power(DeviceId.parse("3d54861c"), true))
                            .join()
                            .outcome())
                    .isEqualTo(Outcome.UNKNOWN_TARGET);
        }
        TransportStats after = raw.stats();
        assertThat(after.sent()).isEqualTo(5);
        assertThat(after.failed().get(Outcome.UNKNOWN_TARGET)).isEqualTo(5);
        assertThat(after.inFlight()).isZero();
        assertThat(Bench.accountingOk(5, 0, 5, 0, before, after)).isTrue();
    }

    @Test
    void anyTwoCountsThatDisagreeFailTheCheck() {
        TransportStats before = stats(0, 0, 0, 0);
        assertThat(Bench.accountingOk(100, 90, 8, 2, before, stats(100, 90, 8, 2)))
                .isTrue();
        // A command the arm resolved but whose future never completed: the bench still counts it in flight.
        assertThat(Bench.accountingOk(100, 90, 8, 2, before, stats(100, 90, 9, 1)))
                .isFalse();
        // The arm saw fewer commands than were issued into it.
        assertThat(Bench.accountingOk(100, 90, 8, 2, before, stats(99, 90, 8, 1)))
                .isFalse();
        // The load generator's outcomes and the bench's in-flight count do not add up to what was issued.
        assertThat(Bench.accountingOk(100, 90, 8, 1, before, stats(100, 90, 8, 1)))
                .isFalse();
        // The arm's own counts do not balance.
        assertThat(Bench.accountingOk(100, 90, 8, 2, before, stats(100, 90, 8, 3)))
                .isFalse();
    }
}
