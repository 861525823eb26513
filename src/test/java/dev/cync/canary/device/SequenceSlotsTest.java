package dev.cync.canary.device;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.DeviceId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SequenceSlotsTest {

    static final DeviceId ID = DeviceId.parse("01020304");
    static final long SECOND = 1_000_000_000L;

    static final class Waiter implements AckWaiter {
        int acks;
        int closed;

        @Override
        public void onAck(long nowNanos) {
            acks++;
        }

        @Override
        public boolean onExecuted(int opcode, long nowNanos) {
            acks++;
            return true;
        }

        @Override
        public void onConnectionClosed() {
            closed++;
        }
    }

    @Test
    void handsOutAll255ThenNoneUntilReleased() {
        SequenceSlots slots = new SequenceSlots(ID, 0);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 255; i++) {
            seen.add(slots.allocate(0, new Waiter()));
        }
        assertThat(seen).hasSize(255).doesNotContain(0, -1);
        assertThat(slots.allocate(0, new Waiter())).isEqualTo(-1);
        slots.release(7, 0, new Waiter());
        assertThat(slots.allocate(0, new Waiter())).isEqualTo(7);
    }

    @Test
    void aReleasedSequenceIsQuarantinedAndItsLateAcksGoToTheTombstone() {
        SequenceSlots slots = new SequenceSlots(ID, 5 * SECOND);
        Waiter live = new Waiter();
        int seq = slots.allocate(0, live);
        Waiter tombstone = new Waiter();
        slots.release(seq, SECOND, tombstone);
        long key = AckKey.of(ID, seq << 8).bits();
        slots.waiterFor(key).onAck(2 * SECOND);
        assertThat(tombstone.acks).isEqualTo(1);
        assertThat(live.acks).isZero();
        // Round-robin passes over the quarantined slot until its delay is over.
        List<Integer> next = new ArrayList<>();
        for (int i = 0; i < 254; i++) {
            next.add(slots.allocate(2 * SECOND, new Waiter()));
        }
        assertThat(next).doesNotContain(seq);
        assertThat(slots.allocate(2 * SECOND, new Waiter())).isEqualTo(-1);
        assertThat(slots.allocate(6 * SECOND, new Waiter())).isEqualTo(seq);
    }

    @Test
    void anAckWithSomeoneElsesKeyMatchesNothing() {
        SequenceSlots slots = new SequenceSlots(ID, 0);
        int seq = slots.allocate(0, new Waiter());
        assertThat(slots.waiterFor(
                        AckKey.of(DeviceId.parse("0a0b0c0d"), seq << 8).bits()))
                .isNull();
        assertThat(slots.waiterFor(AckKey.of(ID, (seq << 8) | 1).bits())).isNull();
    }

    @Test
    void closingTellsOnlyLiveWaiters() {
        SequenceSlots slots = new SequenceSlots(ID, 0);
        Waiter a = new Waiter();
        Waiter b = new Waiter();
        Waiter tomb = new Waiter();
        slots.allocate(0, a);
        int s = slots.allocate(0, b);
        slots.release(s, 0, tomb);
        slots.closeAll();
        assertThat(a.closed).isEqualTo(1);
        assertThat(b.closed).isZero();
        assertThat(tomb.closed).isZero();
        assertThat(slots.inUse()).isZero();
    }
}
