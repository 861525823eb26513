package dev.cync.canary.rollout;

import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.VirtualClock;
import java.time.Duration;

/**
 * One minute of traffic in which the new transport fails half of its 100 commands and legacy none:
 * overwhelming evidence, so every automatic-rollback check of that minute FAILs.
 */
final class FailingTraffic {

    private FailingTraffic() {}

    /** Advances the clock a minute and records that minute's commands. */
    static void minute(VirtualClock clock, SloWindows windows) {
        clock.advance(Duration.ofMinutes(1));
        long t = clock.millis();
        for (int i = 0; i < 100; i++) {
            windows.recordCommand("legacy", t, true, 80_000_000L, 1, false);
            windows.recordCommand("new", t, i >= 50, 60_000_000L, 1, false);
        }
    }

    /** {@code n} failing minutes, each followed by the rollout's tick. */
    static void minutes(VirtualClock clock, SloWindows windows, RolloutController rollout, int n) {
        for (int m = 0; m < n; m++) {
            minute(clock, windows);
            rollout.tick();
        }
    }
}
