package dev.cync.canary.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.bench.BenchReport.Second;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PerSecondTest {

    private static long at(Duration d) {
        return d.toNanos();
    }

    @Test
    void eachResolutionCountsInTheSecondItHappenedIn() {
        PerSecond p = new PerSecond();
        p.resolved(at(Duration.ofMillis(500)), true);
        p.resolved(at(Duration.ofMillis(999)), false);
        p.resolved(at(Duration.ofMillis(1000)), false);
        p.resolved(at(Duration.ofMillis(1900)), true);
        assertThat(p.timeline(1.9)).containsExactly(new Second(0, 1, 1), new Second(1, 1, 1), new Second(2, 0, 0));
    }

    @Test
    void aRunLongerThanAnHourCountsItsTailInTheLastSecond() {
        PerSecond p = new PerSecond();
        p.resolved(at(Duration.ofHours(2)), true);
        assertThat(p.timeline(7200)).hasSize(PerSecond.SECONDS).last().isEqualTo(new Second(3599, 1, 0));
    }
}
