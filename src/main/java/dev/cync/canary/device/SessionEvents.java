package dev.cync.canary.device;

/**
 * What a connection's handlers report to the server they belong to: counts the server keeps for
 * the whole fleet. The handlers get this narrow view instead of the server itself.
 */
interface SessionEvents {

    /** A whole packet arrived from a device that said hello (the decode error rate's denominator). */
    void packetReceived();

    /** A device 0x73 or 0x83 whose inner checksum is wrong: counted as a decode error, not applied. */
    void badChecksum();

    /** A receipt or execution ack that matched no command sent on its connection. */
    void unmatchedAck();

    /**
     * An execution ack whose sequence the receipt sent with it contradicts: the receipt names another
     * command on the connection that waits for this very answer, so the ack is ignored.
     */
    void ambiguousAck();
}
