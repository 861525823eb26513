package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.flags.AuditEntry;
import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.DurableFiles;
import dev.cync.canary.support.Json;
import dev.cync.canary.support.StateFileException;
import dev.cync.canary.support.StateMarker;
import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, reproductions 3 and 4, for the rollout: an automatic rollback lands when the disk
 * refuses it, and a lost or stale {@code rollout.json} never undoes one.
 */
class RolloutStateSafetyTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    SloSpec spec;
    SloWindows windows;
    /** The disk, which a test can break. */
    volatile boolean diskBroken;

    final DurableFiles.Writer disk = new DurableFiles.Writer() {
        @Override
        public void replace(Path file, byte[] bytes) throws IOException {
            if (diskBroken) {
                throw new IOException("No space left on device");
            }
            DurableFiles.replace(file, bytes);
        }

        @Override
        public void append(Path file, byte[] bytes) throws IOException {
            if (diskBroken) {
                throw new IOException("No space left on device");
            }
            DurableFiles.append(file, bytes);
        }
    };

    @BeforeEach
    void spec() throws IOException {
        String yaml = Files.readString(Path.of("config/slo.yaml"))
                .replace("successWindow: 10m", "successWindow: 1m")
                .replace("fastBurnShortWindow: 5m", "fastBurnShortWindow: 1m")
                .replace("fastBurnLongWindow: 1h", "fastBurnLongWindow: 5m");
        spec = SloSpec.parse(Json.yaml().readTree(yaml));
        windows = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
    }

    record Started(Flags flags, RolloutController rollout, StateMarker marker) {}

    Started start(Set<String> reset) throws IOException {
        StateMarker marker = StateMarker.open(
                dir,
                clock.instant().toString(),
                List.of(FileFlagStore.STATE, FileFlagStore.AUDIT, RolloutController.STATE_FILE),
                reset,
                disk);
        Flags flags = new Flags(FileFlagStore.open(dir, clock, marker, disk));
        RolloutController rollout = new RolloutController(
                RolloutPlan.load(null),
                new SloEvaluator(spec, windows),
                flags,
                clock,
                new Metrics(),
                dir.resolve(RolloutController.STATE_FILE),
                marker,
                disk,
                Notifier.none(),
                () -> windows.recordPackets(clock.millis(), 100, 0));
        rollout.start(RolloutControllerTest.MANUAL);
        return new Started(flags, rollout, marker);
    }

    @Test
    void anAutomaticRollbackLandsWhenTheDiskRefusesAndIsWrittenWhenItComesBack() throws IOException {
        Started s = start(Set.of());
        s.rollout().promote("test", "skip the dark launch", true);
        assertThat(s.flags().current().percentageBasisPoints()).isEqualTo(1000);
        diskBroken = true;
        FailingTraffic.minutes(clock, windows, s.rollout(), 3);
        // Applied in memory at once, not logged and retried forever.
        assertThat(s.flags().current().percentageBasisPoints()).isZero();
        assertThat(s.flags().current().killSwitch()).isTrue();
        assertThat(s.flags().current().rollbackSticky()).isTrue();
        assertThat(s.rollout().state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(s.flags().store().persistence().pending()).isTrue();
        assertThat(s.rollout().persistFailures()).isPositive();
        assertThat(s.rollout().persistPending()).isTrue();

        diskBroken = false;
        ((FileFlagStore) s.flags().store()).persistPending();
        clock.advance(Duration.ofMinutes(1));
        s.rollout().tick();
        assertThat(s.flags().store().persistence().pending()).isFalse();
        assertThat(s.rollout().persistPending()).isFalse();
        Started again = start(Set.of());
        assertThat(again.flags().current().killSwitch()).isTrue();
        assertThat(again.rollout().state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
    }

    @Test
    void aLostRolloutFileAfterAnAutomaticRollbackRefusesTheStartAndTheResetKeepsTheRollback() throws IOException {
        Started s = start(Set.of());
        s.rollout().promote("test", "skip", true);
        s.rollout().promote("test", "skip", true);
        FailingTraffic.minutes(clock, windows, s.rollout(), 3);
        assertThat(s.rollout().state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(s.flags().current().rollbackSticky()).isTrue();

        // Deleting rollout.json (what the old code told operators to do when the plan changed) used to restart the
        // plan.
        Files.delete(dir.resolve(RolloutController.STATE_FILE));
        assertThatThrownBy(() -> start(Set.of()))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining(dir.resolve(RolloutController.STATE_FILE).toString())
                .hasMessageContaining("--reset-state rollout.json");

        Started reset = start(Set.of(RolloutController.STATE_FILE));
        assertThat(reset.flags().current().percentageBasisPoints()).isZero();
        assertThat(reset.flags().current().killSwitch()).isTrue();
        assertThat(reset.rollout().state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(reset.rollout().stage().name()).isEqualTo("dark_launch");
        assertThat(reset.flags().store().audit(10))
                .extracting(AuditEntry::action)
                .contains(FileFlagStore.RESET_STATE);
        // Ticking on does not move traffic: only an operator's resume does.
        clock.advance(Duration.ofDays(3));
        reset.rollout().tick();
        assertThat(reset.flags().current().percentageBasisPoints()).isZero();
    }

    @Test
    void aCorruptOrStaleRolloutFileRefusesTheStart() throws IOException {
        Started s = start(Set.of());
        s.rollout().promote("test", "skip", true);
        Path file = dir.resolve(RolloutController.STATE_FILE);
        String older = Files.readString(file);
        s.rollout().pause("api:ops", "look");
        Files.writeString(file, older);
        assertThatThrownBy(() -> start(Set.of()))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("stale copy");
        Files.writeString(file, older.substring(0, older.length() / 2));
        assertThatThrownBy(() -> start(Set.of()))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("is unreadable");
        Files.writeString(file, "");
        assertThatThrownBy(() -> start(Set.of())).isInstanceOf(StateFileException.class);
    }
}
