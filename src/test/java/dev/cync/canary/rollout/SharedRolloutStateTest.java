package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cync.canary.flags.FileFlagStore;
import dev.cync.canary.flags.Flags;
import dev.cync.canary.metrics.Metrics;
import dev.cync.canary.slo.SloEvaluator;
import dev.cync.canary.slo.SloSpec;
import dev.cync.canary.slo.SloWindows;
import dev.cync.canary.support.Json;
import dev.cync.canary.support.StateFileException;
import dev.cync.canary.time.VirtualClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollout state kept in a shared store (several replicas on etcd) follows the file's rules:
 * a write the store refuses is counted and retried, never lost or blocking the rollback; a
 * follower writes nothing and counts nothing; a shared state that cannot be trusted refuses the
 * start. (The store here is in memory; EtcdRolloutStateStore is exercised on real etcd by ReplicasTest.)
 */
class SharedRolloutStateTest {

    @TempDir
    Path dir;

    final VirtualClock clock = VirtualClock.startingAt(Instant.parse("2026-01-01T00:00:00Z"));
    SloSpec spec;
    SloWindows windows;

    /** An in-memory shared store whose writes can be refused and whose replica can lead or follow. */
    static final class MemoryStore implements RolloutStateStore {
        volatile RolloutState saved;
        volatile boolean refuses;
        volatile boolean leads = true;
        int writes;

        @Override
        public Optional<RolloutState> load() {
            return Optional.ofNullable(saved);
        }

        @Override
        public void save(RolloutState s) throws IOException {
            if (refuses) {
                throw new IOException("etcd did not answer within 2000 ms");
            }
            saved = s;
            writes++;
        }

        @Override
        public boolean writer() {
            return leads;
        }
    }

    @BeforeEach
    void spec() throws IOException {
        spec = SloSpec.parse(Json.yaml().readTree(Files.readString(Path.of("config/slo.yaml"))));
        windows = new SloWindows(List.of("legacy", "new"), spec.latencyThreshold());
    }

    RolloutController shared(Flags flags, MemoryStore store) throws IOException {
        return RolloutController.shared(
                        RolloutPlan.load(null),
                        new SloEvaluator(spec, windows),
                        flags,
                        clock,
                        new Metrics(),
                        store,
                        Notifier.none(),
                        () -> windows.recordPackets(clock.millis(), 100, 0))
                .start(RolloutControllerTest.MANUAL);
    }

    @Test
    void aRefusedSharedWriteIsCountedTheRollbackStandsAndTheNextTickWritesIt() throws IOException {
        MemoryStore store = new MemoryStore();
        Flags flags = new Flags(FileFlagStore.open(dir, clock));
        RolloutController rollout = shared(flags, store);
        rollout.promote("test", "skip the dark launch", true);
        assertThat(store.saved.stage()).isEqualTo(1);
        assertThat(rollout.persistFailures()).isZero();

        store.refuses = true;
        FailingTraffic.minutes(clock, windows, rollout, 3);
        assertThat(flags.current().killSwitch()).isTrue();
        assertThat(rollout.state().status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
        assertThat(rollout.persistFailures()).isPositive();
        assertThat(rollout.persistPending()).isTrue();
        assertThat(store.saved.status()).isNotEqualTo(RolloutState.Status.ROLLED_BACK);

        store.refuses = false;
        clock.advance(Duration.ofMinutes(1));
        rollout.tick();
        assertThat(rollout.persistPending()).isFalse();
        assertThat(store.saved.status()).isEqualTo(RolloutState.Status.ROLLED_BACK);
    }

    @Test
    void aFollowerWritesNothingCountsNothingAndTakesOverWhereTheLeaderLeft() throws IOException {
        MemoryStore store = new MemoryStore();
        Flags flags = new Flags(FileFlagStore.open(dir, clock));
        RolloutController rollout = shared(flags, store);
        rollout.promote("test", "skip the dark launch", true);
        int writes = store.writes;

        store.leads = false;
        rollout.pause("api:ops", "looking at a dashboard");
        assertThat(store.writes).isEqualTo(writes);
        assertThat(rollout.persistFailures()).isZero();
        assertThat(rollout.persistPending()).isFalse();

        // Another leader moved the plan on meanwhile; this replica leads again and continues from there.
        store.saved = store.saved
                .to(RolloutState.Status.RUNNING)
                .stage(2)
                .elapsedMillis(60_000)
                .failures(0)
                .lastFailureAt(null)
                .failedStage(-1)
                .reason("promoted by the other leader")
                .apply();
        store.leads = true;
        rollout.takeOver();
        assertThat(rollout.state().stage()).isEqualTo(2);
        assertThat(rollout.state().status()).isEqualTo(RolloutState.Status.RUNNING);
        assertThat(rollout.state().stageElapsedMillis()).isEqualTo(60_000);
    }

    @Test
    void aSharedStateOfAnotherPlanRefusesTheStart() throws IOException {
        MemoryStore store = new MemoryStore();
        store.saved =
                new RolloutState("another-plan", RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of());
        Flags flags = new Flags(FileFlagStore.open(dir, clock));
        assertThatThrownBy(() -> shared(flags, store))
                .isInstanceOf(StateFileException.class)
                .hasMessageContaining("belongs to plan 'another-plan'")
                .hasMessageContaining("loosen");
    }
}
