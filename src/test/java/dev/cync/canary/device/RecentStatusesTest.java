package dev.cync.canary.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RecentStatusesTest {

    static final long TTL = TimeUnit.SECONDS.toNanos(30);

    @Test
    void aReportIsARepeatWithinItsTtlAndNewAgainAfterIt() {
        RecentStatuses seen = new RecentStatuses(1000, TTL);
        assertThat(seen.firstSighting(0x2de4b5d2, 0x000500, 42, 0)).isTrue();
        assertThat(seen.firstSighting(0x2de4b5d2, 0x000500, 42, TTL - 1)).isFalse();
        // A repeat does not extend the memory: the first sighting's time counts, as expire-after-write did.
        assertThat(seen.firstSighting(0x2de4b5d2, 0x000500, 42, TTL)).isTrue();
    }

    @Test
    void anyDifferenceInDeviceSequenceOrContentIsANewReport() {
        RecentStatuses seen = new RecentStatuses(1000, TTL);
        assertThat(seen.firstSighting(1, 0x000500, 42, 0)).isTrue();
        assertThat(seen.firstSighting(2, 0x000500, 42, 0)).isTrue();
        assertThat(seen.firstSighting(1, 0x000600, 42, 0)).isTrue();
        assertThat(seen.firstSighting(1, 0x000500, 43, 0)).isTrue();
        assertThat(seen.firstSighting(1, 0x000500, 42, 1)).isFalse();
    }

    @Test
    void theTableHoldsAtLeastTheConfiguredNumberOfReports() {
        assertThat(new RecentStatuses(100_000, TTL).slots()).isEqualTo(131_072);
        assertThat(new RecentStatuses(65_536, TTL).slots()).isEqualTo(65_536);
        RecentStatuses seen = new RecentStatuses(100_000, TTL);
        int remembered = 0;
        for (int i = 0; i < 1000; i++) {
            seen.firstSighting(7, i << 8, i, 0);
        }
        for (int i = 0; i < 1000; i++) {
            remembered += seen.firstSighting(7, i << 8, i, 1) ? 0 : 1;
        }
        // 1,000 reports in 131,072 slots: a slot shared by two forgets one (about 4 expected).
        assertThat(remembered).isGreaterThanOrEqualTo(980);
    }
}
