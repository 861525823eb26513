package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.flags.AuditEntry;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.FlagState;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.AutoRollbackCheck;
import dev.cync.canary.slo.Check;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage machine without the controller's wiring: no lock, no scheduler, no state store. The
 * flags are real (a flag store in a temporary directory); the effects are recorded on their way to
 * them, and the automatic rollback check's verdicts are handed in as the controller would.
 */
class StageMachineTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    final List<RolloutState.Event> delivered = new ArrayList<>();
    final List<String> effects = new ArrayList<>();
    Flags flags;
    SloSpec spec;
    StageMachine machine;

    @BeforeEach
    void start() throws IOException {
        spec = SloSpec.load(null);
        SloWindows windows = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
        flags = new Flags(FileFlagStore.open(dir, clock));
        RolloutFlags real = new RolloutFlags(flags, new Metrics(), Notifier.none());
        StageMachine.Effects recording = new StageMachine.Effects() {
            @Override
            public FlagState flags() {
                return real.flags();
            }

            @Override
            public void applyStage(RolloutPlan.Stage s, String actor, String reason) {
                effects.add("stage " + s.name() + " by " + actor);
                real.applyStage(s, actor, reason);
            }

            @Override
            public void stageOff(String actor, String reason) {
                effects.add("off by " + actor);
                real.stageOff(actor, reason);
            }

            @Override
            public void rollback(String actor, String reason, boolean automatic) {
                effects.add("rollback by " + actor + (automatic ? " (automatic)" : ""));
                real.rollback(actor, reason, automatic);
            }

            @Override
            public void audit(String actor, String action, String oldValue, String newValue, String reason) {
                effects.add("audit " + action + " by " + actor);
                real.audit(actor, action, oldValue, newValue, reason);
            }

            @Override
            public void rolledBack(Notifier.Rollback r) {
                effects.add("rolled back (" + r.trigger() + ") " + r.fromPercent() + "% -> " + r.toPercent() + "%");
                real.rolledBack(r);
            }
        };
        machine = new StageMachine(
                RolloutPlan.load(null), new SloEvaluator(spec, windows), clock, recording, delivered::add);
        machine.start(null, null);
    }

    /** A minute with no command on the new transport and no automatic rollback check. */
    void quietMinute() {
        clock.advance(Duration.ofMinutes(1));
        machine.minute(clock.instant(), 60_000, false, null);
    }

    static AutoRollbackCheck.Result verdict(Check.Result r) {
        return new AutoRollbackCheck.Result(r, List.of(), r + " by the test");
    }

    @Test
    void aStartEntersTheFirstStageAndEveryEventReachesTheSinkInTimelineOrder() {
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.RUNNING);
        assertThat(effects).containsExactly("stage dark_launch by rollout");
        assertThat(flags.current().darkLaunch()).isTrue();
        machine.promote("api:ops", "skip the dark launch");
        assertThat(machine.stage().name()).isEqualTo("canary_10");
        assertThat(flags.current().percentageBasisPoints()).isEqualTo(1000);
        assertThat(delivered).isEqualTo(machine.state().history());
        assertThat(delivered).extracting(RolloutState.Event::canaryPercent).containsExactly("0", "10");
    }

    @Test
    void threeFailedChecksRollBackThroughTheFlagsBeforeTheStateSaysSo() {
        machine.promote("api:ops", "skip");
        effects.clear();
        String said = "";
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofMinutes(1));
            said = machine.minute(clock.instant(), 60_000, true, verdict(Check.Result.FAIL));
        }
        assertThat(said).startsWith("FAIL (3 of 3)");
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(machine.state().failedStage()).isEqualTo(1);
        assertThat(machine.state().lastSloFailureAt()).isEqualTo(clock.instant());
        assertThat(effects).containsExactly("rollback by auto-rollback (automatic)", "rolled back (auto) 10% -> 0%");
        assertThat(flags.current().rollbackSticky()).isTrue();
        assertThat(delivered).last().extracting(RolloutState.Event::event).isEqualTo(RolloutEvent.AUTO_ROLLBACK);
    }

    @Test
    void aNoDataVerdictKeepsTheCountAndAPassResetsIt() {
        machine.promote("api:ops", "skip");
        clock.advance(Duration.ofMinutes(1));
        machine.minute(clock.instant(), 60_000, true, verdict(Check.Result.FAIL));
        clock.advance(Duration.ofMinutes(1));
        assertThat(machine.minute(clock.instant(), 60_000, false, verdict(Check.Result.NO_DATA)))
                .endsWith("the count stays at 1");
        assertThat(machine.state().consecutiveFailures()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(machine.minute(clock.instant(), 60_000, false, verdict(Check.Result.PASS)))
                .isEqualTo("PASS");
        assertThat(machine.state().consecutiveFailures()).isZero();
    }

    @Test
    void aStagePastItsMaximumPausesAsksAnOperatorAndAResumeGrantsAnotherMaximum() {
        // Six quiet days: a no-data hold from the first quiet hour, then the dark launch's maximum (3 x 2 days).
        for (int i = 0; i < 6 * 24 * 60; i++) {
            quietMinute();
        }
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.PAUSED);
        assertThat(machine.overdueNow()).isTrue();
        assertThat(machine.state().stageHeldMillis())
                .isEqualTo(Duration.ofDays(6).toMillis());
        assertThat(delivered)
                .extracting(RolloutState.Event::event)
                .containsExactly(RolloutEvent.START, RolloutEvent.HOLD, RolloutEvent.HOLD_END, RolloutEvent.OVERDUE);
        assertThat(effects).contains("audit rollout_overdue by rollout");
        assertThat(flags.store().audit(10)).extracting(AuditEntry::action).contains("rollout_overdue");

        machine.resume("api:ops", "give it another week");
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.RUNNING);
        assertThat(machine.overdueNow()).isFalse();
        assertThat(machine.state().stageOverdueAtMillis())
                .isEqualTo(Duration.ofDays(12).toMillis());
    }

    @Test
    void anOperatorsPercentageByHandPausesThePlanAndThePlansOwnChangesDoNot() {
        machine.flagsChangedElsewhere(flags.setPercentage(RolloutController.ROLLOUT, 500, "the plan's own"));
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.RUNNING);
        machine.flagsChangedElsewhere(flags.setPercentage("api:ops", 2500, "see for myself"));
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.PAUSED);
        assertThat(machine.state().reason()).startsWith("api:ops set the canary to 25% by hand");
    }

    @Test
    void anActionTheStatusDoesNotAllowIsRefusedByNameAndChangesNothing() {
        machine.pause("api:ops", "freeze");
        RolloutState paused = machine.state();
        assertThatThrownBy(() -> machine.pause("api:ops", "again"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot pause a rollout that is paused (only when running or holding)");
        assertThatThrownBy(() -> machine.retry("api:ops", "again"))
                .hasMessage("cannot retry a rollout that is paused (only when rolled back)");
        assertThat(machine.state()).isSameAs(paused);
    }

    @Test
    void aFlagRollbackAtTheStartHoldsThePlanWithoutMovingTraffic() throws IOException {
        flags.rollback("api:ops", "pager", true);
        effects.clear();
        delivered.clear();
        machine.start(null, null);
        assertThat(machine.state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(effects).isEmpty();
        assertThat(delivered)
                .extracting(RolloutState.Event::event)
                .containsExactly(RolloutEvent.START, RolloutEvent.HELD_BY_ROLLBACK);
    }
}
