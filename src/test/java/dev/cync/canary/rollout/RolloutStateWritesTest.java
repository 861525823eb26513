package dev.cync.canary.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the rollout state is written: transitions at once, the clock as often as the store asks, failures retried. */
class RolloutStateWritesTest {

    /** A store in memory that can refuse, follow, and ask for a write every {@code every} ticks. */
    static final class Store implements RolloutStateStore {
        final List<RolloutState> saved = new ArrayList<>();
        final int every;
        boolean refuses;
        boolean leads = true;

        Store(int every) {
            this.every = every;
        }

        @Override
        public Optional<RolloutState> load() {
            return saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(saved.size() - 1));
        }

        @Override
        public void save(RolloutState s) throws IOException {
            if (refuses) {
                throw new IOException("No space left on device");
            }
            saved.add(s);
        }

        @Override
        public boolean writer() {
            return leads;
        }

        @Override
        public int writeEveryTicks() {
            return every;
        }
    }

    static final RolloutState RUNNING =
            new RolloutState("phase2", RolloutState.Status.RUNNING, 0, 0, 0, null, -1, "started", List.of());

    @Test
    void theClockIsWrittenEveryNTicksAndATransitionAtOnce() {
        Store store = new Store(RolloutStateFile.WRITE_EVERY_TICKS);
        RolloutStateWrites writes = new RolloutStateWrites(store);
        writes.write(RUNNING);
        RolloutState s = RUNNING;
        for (int tick = 1; tick < RolloutStateFile.WRITE_EVERY_TICKS; tick++) {
            s = s.withClock(tick * 60_000L, 0, 0);
            writes.afterTick(s);
        }
        assertThat(store.saved).hasSize(1);
        assertThat(writes.pending(s)).isTrue();
        s = s.withClock(600_000L, 0, 0);
        writes.afterTick(s);
        assertThat(store.saved).hasSize(2);
        assertThat(writes.pending(s)).isFalse();

        RolloutState paused = s.to(RolloutState.Status.PAUSED).reason("by hand").apply();
        writes.afterTick(paused);
        assertThat(store.saved).last().isEqualTo(paused);
        RolloutState failed = paused.to(RolloutState.Status.PAUSED)
                .lastFailureAt(Instant.parse("2026-01-01T00:00:00Z"))
                .apply();
        writes.afterTick(failed);
        assertThat(store.saved).last().isEqualTo(failed);
    }

    @Test
    void aRefusedWriteIsCountedAndTheNextTickWritesIt() {
        Store store = new Store(RolloutStateFile.WRITE_EVERY_TICKS);
        RolloutStateWrites writes = new RolloutStateWrites(store);
        store.refuses = true;
        writes.write(RUNNING);
        assertThat(writes.failures()).isEqualTo(1);
        assertThat(writes.pending(RUNNING)).isTrue();
        store.refuses = false;
        writes.afterTick(RUNNING);
        assertThat(store.saved).containsExactly(RUNNING);
        assertThat(writes.pending(RUNNING)).isFalse();
        assertThat(writes.failures()).isEqualTo(1);
    }

    @Test
    void aFollowerWritesNothingAndNothingIsPending() {
        Store store = new Store(1);
        store.leads = false;
        RolloutStateWrites writes = new RolloutStateWrites(store);
        writes.write(RUNNING);
        writes.afterTick(RUNNING);
        assertThat(store.saved).isEmpty();
        assertThat(writes.pending(RUNNING)).isFalse();
        assertThat(writes.failures()).isZero();
    }

    @Test
    void withNoStoreNothingIsKeptAndNothingIsPending() {
        RolloutStateWrites writes = new RolloutStateWrites(null);
        writes.write(RUNNING);
        writes.afterTick(RUNNING);
        assertThat(writes.pending(RUNNING)).isFalse();
        assertThat(writes.failures()).isZero();
    }
}
