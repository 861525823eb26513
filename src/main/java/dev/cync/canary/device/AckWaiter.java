package dev.cync.canary.device;

/**
 * Waits for the 0x7B that echoes one command's key on one connection. Called on the connection's
 * event loop.
 */
public interface AckWaiter {

    /** The device acknowledged; {@code nowNanos} is the injected clock's time of arrival. */
    void onAck(long nowNanos);

    /** The connection closed before an acknowledgement came. */
    void onConnectionClosed();
}
