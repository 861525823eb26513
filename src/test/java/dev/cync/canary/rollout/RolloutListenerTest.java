package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller's listeners get the timeline outside its monitor, in order, and a listener that
 * fails does not undo or hold up the transition (design rule: listeners outside locks).
 */
class RolloutListenerTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    RolloutController rollout;

    @Test
    void listenersRunOutsideTheMonitorInTimelineOrderAndAFailingOneChangesNothing() throws IOException {
        String yaml = Files.readString(Path.of("config/slo.yaml"))
                .replace("successWindow: 10m", "successWindow: 1m")
                .replace("fastBurnShortWindow: 5m", "fastBurnShortWindow: 1m")
                .replace("fastBurnLongWindow: 1h", "fastBurnLongWindow: 5m");
        SloSpec spec = SloSpec.parse(Json.yaml().readTree(yaml));
        SloWindows windows = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        Flags flags = new Flags(FileFlagStore.open(dir, clock));
        rollout = new RolloutController(
                RolloutPlan.load(null),
                new SloEvaluator(spec, windows),
                flags,
                clock,
                new Metrics(),
                dir.resolve(RolloutController.STATE_FILE),
                Notifier.none(),
                () -> windows.recordPackets(clock.millis(), 100, 0));
        List<RolloutEvent> seen = new ArrayList<>();
        List<Boolean> underMonitor = new ArrayList<>();
        rollout.addListener(e -> {
            throw new IllegalStateException("a broken listener");
        });
        rollout.addListener(e -> {
            seen.add(e.event());
            underMonitor.add(Thread.holdsLock(rollout));
        });

        rollout.start(RolloutControllerTest.MANUAL);
        rollout.promote("api:ops", "skip the dark launch", true);
        FailingTraffic.minutes(clock, windows, rollout, 3);

        assertThat(seen).containsExactly(RolloutEvent.START, RolloutEvent.PROMOTE, RolloutEvent.AUTO_ROLLBACK);
        assertThat(underMonitor).containsOnly(false);
        assertThat(rollout.state().history())
                .extracting(RolloutState.Event::event)
                .containsExactlyElementsOf(seen);
        assertThat(flags.current().rollbackSticky()).isTrue();
    }
}
