package dev.cync.canary.device;

/**
 * Waits for the answers to one command on one connection: its 0x7B receipt (matched by the 7-byte
 * key) and its execution ack (a device 0x73 of class f9 with the command's opcode and inner
 * sequence). Called on the connection's event loop.
 */
public interface AckWaiter {

    /** The device's 0x7B receipt arrived: it has the bytes. Not success (docs/design.md rule 2). */
    void onAck(long nowNanos);

    /**
     * An execution ack with this waiter's inner sequence arrived; returns false when its opcode is
     * not the command's (then it matched nothing).
     */
    boolean onExecuted(int opcode, long nowNanos);

    /**
     * Whether this waiter's command is still waiting for an execution ack with {@code opcode}: the
     * ack guard asks it when a receipt names a different command than the execution ack just before
     * it. A stand-in for a resolved command (a tombstone) waits for nothing.
     */
    default boolean awaitsExecution(int opcode) {
        return false;
    }

    /** The connection closed before the command resolved. */
    void onConnectionClosed();
}
