package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.flags.EnvDefaults;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Json;
import dev.cync.canary.time.Scheduler;
import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every transition of the rollout in virtual time. Traffic is written straight into the SLO
 * windows, one minute at a time, and the controller ticks right after each minute's traffic.
 */
class RolloutControllerTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final Metrics metrics = new Metrics();
    SloSpec spec;
    SloWindows windows;
    Flags flags;
    RolloutController rollout;

    /** Never fires: the test ticks by hand, after each minute's traffic. */
    static final Scheduler MANUAL = new Scheduler() {
        @Override
        public Cancellable schedule(Runnable task, Duration delay) {
            return () -> {};
        }

        @Override
        public Cancellable scheduleAtFixedRate(Runnable task, Duration period) {
            return () -> {};
        }
    };

    /** Checks that see only their own minute, so a test can script each check's verdict. */
    boolean minuteChecks;

    RolloutController start() throws IOException {
        spec = SloSpec.load(null);
        if (minuteChecks) {
            String yaml = Files.readString(Path.of("config/slo.yaml"))
                    .replace("windows: [10m, 1h, 6h]", "windows: [1m]")
                    // One-minute checks only: the sequential test remembers hours (CusumTest covers it).
                    .replaceAll("(?m)^  sequential: .*$", "");
            spec = SloSpec.parse(Json.yaml().readTree(yaml));
        }
        windows = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        flags = new Flags(FileFlagStore.open(dir, clock));
        rollout = new RolloutController(
                RolloutPlan.load(null),
                new SloEvaluator(spec, windows),
                flags,
                clock,
                metrics,
                dir.resolve("rollout.json"),
                Notifier.none(),
                () -> windows.recordPackets(clock.millis(), 100, 0));
        return rollout.start(MANUAL);
    }

    /** One minute: {@code perTransport} commands on each transport, that share of them failing on the new one. */
    /** Fractional failures carried from minute to minute, so low rates happen at their long-run rate. */
    double carry;

    void minute(int perTransport, double newFailures) {
        clock.advance(Duration.ofMinutes(1));
        long t = clock.millis();
        carry += perTransport * newFailures;
        int failNew = (int) Math.floor(carry + 1e-9);
        carry -= failNew;
        for (int i = 0; i < perTransport; i++) {
            windows.recordCommand("legacy", t, true, 80_000_000L, 1, false);
            windows.recordCommand("new", t, i >= failNew, 60_000_000L, 1, false);
        }
        rollout.tick();
    }

    void minutes(int n, int perTransport, double newFailures) {
        for (int i = 0; i < n; i++) {
            minute(perTransport, newFailures);
        }
    }

    RolloutState.Status status() {
        return rollout.state().status();
    }

    String stage() {
        return rollout.stage().name();
    }

    @Test
    void aHealthyRolloutPromotesThroughEveryStageOnTime() throws IOException {
        start();
        assertThat(stage()).isEqualTo("dark_launch");
        assertThat(flags.current().darkLaunch()).isTrue();
        minutes(2 * 24 * 60, 10, 0);
        assertThat(stage()).isEqualTo("canary_10");
        assertThat(flags.current().percentageBasisPoints()).isEqualTo(1000);
        minutes(3 * 24 * 60, 10, 0);
        assertThat(stage()).isEqualTo("canary_25");
        minutes(4 * 24 * 60, 10, 0);
        assertThat(stage()).isEqualTo("canary_50");
        minutes(7 * 24 * 60, 10, 0);
        assertThat(status()).isEqualTo(RolloutState.Status.COMPLETE);
        assertThat(rollout.state().history())
                .extracting(e -> e.event().label())
                .containsExactly("start", "promote", "promote", "promote", "complete");
    }

    @Test
    void noTrafficHoldsNeverPromotesNeverRollsBack() throws IOException {
        start();
        // Three quiet days: with the two days of data after them, still inside the stage maximum (3 x 2 days).
        for (int i = 0; i < 3 * 24 * 60; i++) {
            clock.advance(Duration.ofMinutes(1));
            rollout.tick();
        }
        assertThat(status()).isEqualTo(RolloutState.Status.HOLD);
        assertThat(stage()).isEqualTo("dark_launch");
        // Issue 12: the hold is a no-data hold from the first quiet minute, and the quiet time does not count toward
        // the stage.
        assertThat(rollout.state().reason()).startsWith("no data");
        assertThat(rollout.state().stageElapsedMillis()).isZero();
        assertThat(rollout.state().history().get(1).at()).isEqualTo(Instant.parse("2026-01-01T00:01:00Z"));
        assertThat(flags.current().rollbackSticky()).isFalse();
        assertThat(rollout.state().history()).extracting(e -> e.event().label()).containsExactly("start", "hold");
        // Traffic comes back: the hold ends, the stage runs its whole two days, and promotes; no rollback.
        minutes(60, 10, 0);
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
        assertThat(stage()).isEqualTo("dark_launch");
        minutes(2 * 24 * 60 - 60, 10, 0);
        assertThat(stage()).isEqualTo("canary_10");
        assertThat(rollout.state().history())
                .extracting(e -> e.event().label())
                .containsExactly("start", "hold", "hold_end", "promote");
    }

    @Test
    void threeConsecutiveFailedChecksRollBackAndAPassResetsTheCount() throws IOException {
        minuteChecks = true;
        start();
        rollout.promote("test", "skip the dark launch", true);
        assertThat(stage()).isEqualTo("canary_10");
        // Healthy traffic first, so the windows hold a good history; then 100 commands a minute.
        minutes(30, 100, 0);
        // FAIL FAIL PASS FAIL FAIL: a failing minute is overwhelming (50% failures), a passing one clean.
        minutes(1, 100, 0.5);
        minutes(1, 100, 0.5);
        assertThat(rollout.state().consecutiveFailures()).isEqualTo(2);
        minutes(1, 100, 0);
        assertThat(rollout.lastAutoCheck()).isEqualTo("PASS");
        assertThat(rollout.state().consecutiveFailures()).isZero();
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
        minutes(1, 100, 0.5);
        minutes(1, 100, 0.5);
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
        minutes(1, 100, 0.5);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(flags.current().killSwitch()).isTrue();
        assertThat(flags.current().rollbackSticky()).isTrue();
        assertThat(metrics.counterValue(Metrics.ROLLBACKS, "auto")).isEqualTo(1);
        assertThat(rollout.state().reason())
                .contains("3 consecutive failed checks")
                .contains("success");
        assertThat(flags.store().audit(100))
                .anyMatch(e -> e.action().equals("auto_rollback") && e.actor().equals("auto-rollback"));
    }

    @Test
    void noDataLeavesTheFailureCountAsItIs() throws IOException {
        minuteChecks = true;
        start();
        rollout.promote("test", "skip", true);
        minutes(30, 100, 0);
        minutes(2, 100, 0.5);
        assertThat(rollout.state().consecutiveFailures()).isEqualTo(2);
        // Flapping traffic: silent minutes between bad ones are NO_DATA and leave the count alone.
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(1));
            rollout.tick();
            assertThat(rollout.lastAutoCheck()).startsWith("NO_DATA");
            assertThat(rollout.state().consecutiveFailures()).isEqualTo(2);
        }
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
        minutes(1, 100, 0.5);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
    }

    @Test
    void aFailedGateGoesToTheStagesRollbackTarget() throws IOException {
        start();
        rollout.promote("test", "skip", true);
        rollout.promote("test", "skip", true);
        assertThat(stage()).isEqualTo("canary_25");
        // 99.8% success at 20 commands a minute: below the 99.9% objective, but not significantly so in the
        // automatic rollback's 6h window (14 failures where 7 are allowed); over the stage's 4 days it is.
        minutes(4 * 24 * 60, 20, 0.002);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(stage()).isEqualTo("canary_10");
        assertThat(flags.current().percentageBasisPoints()).isEqualTo(1000);
        assertThat(rollout.state().reason()).startsWith("gate failed: slos_met");
        assertThat(metrics.counterValue(Metrics.ROLLBACKS, "gate")).isEqualTo(1);
        // retry re-enters the stage that failed.
        rollout.retry("api:ops", "fixed the firmware");
        assertThat(stage()).isEqualTo("canary_25");
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
    }

    @Test
    void aRestartContinuesTheSameStageWithItsElapsedTime() throws IOException {
        start();
        minutes(36 * 60, 10, 0); // 1.5 days into the 2-day dark launch
        rollout.stop();
        start();
        assertThat(stage()).isEqualTo("dark_launch");
        assertThat(rollout.state().stageElapsedMillis())
                .isEqualTo(Duration.ofHours(36).toMillis());
        minutes(12 * 60, 10, 0);
        assertThat(stage()).isEqualTo("canary_10");
    }

    @Test
    void anAutomaticRollbackStaysAcrossARestartUntilAnOperatorResumes() throws IOException {
        start();
        rollout.promote("test", "skip", true);
        minutes(30, 100, 0);
        minutes(3, 100, 0.5);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        rollout.stop();
        start();
        EnvDefaults.apply(flags, Map.of());
        minutes(60, 100, 0);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(flags.current().killSwitch()).isTrue();
        assertThat(flags.current().rollbackSticky()).isTrue();
        rollout.resume("api:ops", "the cause is fixed");
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
        assertThat(flags.current().rollbackSticky()).isFalse();
    }

    @Test
    void anEnvironmentValueChangedAtRestartIsAnOperatorAction() throws IOException {
        start();
        EnvDefaults.apply(flags, Map.of("CANARY_PERCENTAGE", "10"));
        rollout.promote("test", "skip", true);
        minutes(30, 100, 0);
        minutes(3, 100, 0.5);
        assertThat(flags.current().rollbackSticky()).isTrue();
        rollout.stop();
        start();
        // The same environment: the rollback holds. A changed value: an operator's decision, applied and audited.
        EnvDefaults.apply(flags, Map.of("CANARY_PERCENTAGE", "10"));
        assertThat(flags.current().rollbackSticky()).isTrue();
        EnvDefaults.apply(flags, Map.of("CANARY_PERCENTAGE", "5"));
        assertThat(flags.current().rollbackSticky()).isFalse();
        assertThat(flags.current().percentageBasisPoints()).isEqualTo(500);
        assertThat(flags.store().audit(100))
                .anyMatch(e -> e.actor().equals("env:CANARY_PERCENTAGE")
                        && e.newValue().equals("5%"));
    }

    @Test
    void pauseStopsTheStageClockAndAnOperatorRollbackStopsThePlan() throws IOException {
        start();
        minutes(60, 10, 0);
        rollout.pause("api:ops", "change freeze");
        minutes(3 * 24 * 60, 10, 0);
        assertThat(stage()).isEqualTo("dark_launch");
        assertThat(rollout.state().stageElapsedMillis())
                .isEqualTo(Duration.ofHours(1).toMillis());
        rollout.resume("api:ops", "freeze over");
        rollout.promote("api:ops", "go", true);
        flags.rollback("api:ops", "pager", false);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(rollout.state().reason()).startsWith("rolled back by api:ops");
    }

    @Test
    void theDarkLaunchGateFailsWhenTheNewTransportIsWorseThanLegacyAndTurnsTheMirrorOff() throws IOException {
        start();
        // Mirrored traffic 2% worse than legacy: more than the 0.5 points allowed, too little for the automatic check
        // (0%).
        minutes(2 * 24 * 60, 50, 0.02);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(stage()).isEqualTo("dark_launch");
        assertThat(rollout.state().reason()).startsWith("gate failed: no_worse_than_legacy");
        assertThat(flags.current().darkLaunch()).isFalse();
    }

    @Test
    void theTenPercentGateFailsBackToTheDarkLaunch() throws IOException {
        start();
        rollout.promote("test", "skip", true);
        // 99% success at 2 commands a minute: below the stage's 99.5% gate, significantly over 3 days (86
        // failures where 43 are allowed), but not within the automatic rollback's 6h window (7 where 0.7 are).
        minutes(3 * 24 * 60, 2, 0.01);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(stage()).isEqualTo("dark_launch");
        assertThat(rollout.state().reason()).contains("success_rate_at_least 99.5%");
        assertThat(flags.current().percentageBasisPoints()).isZero();
    }

    @Test
    void theFiftyPercentGateFailsBackToTwentyFiveWhenAnObjectiveFailedWithinSevenDays() throws IOException {
        start();
        for (int i = 0; i < 3; i++) {
            rollout.promote("test", "skip", true);
        }
        assertThat(stage()).isEqualTo("canary_50");
        minutes(24 * 60, 20, 0.002); // a day below the 99.9% objective: significant over the day, not within 6h
        minutes(6 * 24 * 60, 20, 0);
        assertThat(status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(stage()).isEqualTo("canary_25");
        assertThat(flags.current().percentageBasisPoints()).isEqualTo(2500);
    }

    @Test
    void anOperatorSettingThePercentageByHandPausesThePlan() throws IOException {
        start();
        rollout.promote("test", "skip", true);
        flags.setPercentage("api:ops", 2500, "see for myself");
        assertThat(status()).isEqualTo(RolloutState.Status.PAUSED);
        assertThat(rollout.state().reason()).startsWith("api:ops set the canary to 25% by hand");
        minutes(4 * 24 * 60, 10, 0);
        assertThat(flags.current().percentageBasisPoints()).isEqualTo(2500);
        rollout.resume("api:ops", "back to the plan");
        assertThat(status()).isEqualTo(RolloutState.Status.RUNNING);
    }
}
