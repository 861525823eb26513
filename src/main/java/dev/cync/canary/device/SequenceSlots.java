package dev.cync.canary.device;

import dev.cync.canary.protocol.AckKey;
import dev.cync.canary.protocol.DeviceId;

/**
 * The one sequence allocator of a connection (docs/design.md rule 4), shared by both transports, and the
 * table that matches each 0x7B to the command it answers.
 *
 * <p>A command's key is its device id and the sequence field {@code 00 seq 00} with seq in 1..255,
 * the shape real traffic has; the same seq is the command's inner sequence, which the device's
 * execution ack carries, so one slot matches both answers. Sequences are handed out round-robin, and a released sequence is
 * quarantined for {@code reuseDelay} before it is handed out again: a device that remembers recent
 * keys to drop duplicates would otherwise take a new command for a repeat of an old one, and a
 * late ack of the old command would be matched to the new one. While quarantined, the slot keeps a
 * tombstone waiter, so a late or duplicate ack is still attributed to the transport that sent it.
 *
 * <p>Confined to the connection's event loop; not thread-safe.
 */
final class SequenceSlots {

    static final int FIRST = 1;
    static final int LAST = 255;

    private final int deviceId;
    private final long reuseDelayNanos;
    private final AckWaiter[] waiters = new AckWaiter[LAST + 1];
    private final long[] freedAt = new long[LAST + 1];
    private final boolean[] busy = new boolean[LAST + 1];
    private final boolean[] used = new boolean[LAST + 1];
    private int next = FIRST;
    private int inUse;

    SequenceSlots(DeviceId deviceId, long reuseDelayNanos) {
        this.deviceId = deviceId.value();
        this.reuseDelayNanos = reuseDelayNanos;
    }

    /** A free sequence bound to {@code waiter}, or -1 when all 255 are in flight or quarantined. */
    int allocate(long nowNanos, AckWaiter waiter) {
        for (int i = 0; i < LAST; i++) {
            int s = next;
            next = next == LAST ? FIRST : next + 1;
            if (!busy[s] && (!used[s] || nowNanos - freedAt[s] >= reuseDelayNanos)) {
                busy[s] = true;
                used[s] = true;
                waiters[s] = waiter;
                inUse++;
                return s;
            }
        }
        return -1;
    }

    /** Frees {@code seq}; acks that still come for it go to {@code tombstone}. */
    void release(int seq, long nowNanos, AckWaiter tombstone) {
        if (busy[seq]) {
            busy[seq] = false;
            inUse--;
        }
        freedAt[seq] = nowNanos;
        waiters[seq] = tombstone;
    }

    /** The waiter for an ack's key, live or tombstone, or null if no command on this connection had it. */
    AckWaiter waiterFor(long keyBits) {
        int seq = sequenceOf(keyBits);
        return seq < 0 ? null : waiters[seq];
    }

    /** The sequence a receipt's key names, when it has the shape of this connection's command keys; else -1. */
    int sequenceOf(long keyBits) {
        int seq = (int) ((keyBits >>> 8) & 0xFF);
        return seq < FIRST || keyBits != AckKey.pack(deviceId, seq << 8) ? -1 : seq;
    }

    /** Whether the live (not yet released) command of {@code seq} still waits for an execution ack with {@code opcode}. */
    boolean awaitsExecution(int seq, int opcode) {
        return seq >= FIRST && seq <= LAST && busy[seq] && waiters[seq] != null && waiters[seq].awaitsExecution(opcode);
    }

    /** The waiter, live or tombstone, of inner sequence {@code seq} (execution acks), or null. */
    AckWaiter waiterForSequence(int seq) {
        return seq >= FIRST && seq <= LAST ? waiters[seq] : null;
    }

    int inUse() {
        return inUse;
    }

    /** Tells every live waiter the connection closed, and frees everything. */
    void closeAll() {
        for (int s = FIRST; s <= LAST; s++) {
            AckWaiter w = waiters[s];
            boolean live = busy[s];
            busy[s] = false;
            waiters[s] = null;
            if (live && w != null) {
                w.onConnectionClosed();
            }
        }
        inUse = 0;
    }
}
