package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The inner-frame checksum of 0x73 and 0x83 packets: the sum, mod 256, of the bytes from the start
 * marker's position + 6 up to the byte before the checksum, which sits just before the final 0x7e.
 * Where the marker is: {@link InnerFrame#markerOffset(byte[])}.
 */
public final class Checksum {

    /** The end marker of an inner frame. */
    public static final int MARKER = 0x7E;

    private Checksum() {}

    /**
     * Sum of bytes [from, to) mod 256. Callers pass absolute buffer indices; no bounds beyond the
     * buffer's own are checked here.
     */
    static int sum(ByteBuf buf, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += buf.getUnsignedByte(i);
        }
        return s & 0xFF;
    }

    static int sum(byte[] bytes, int from, int to) {
        int s = 0;
        for (int i = from; i < to; i++) {
            s += bytes[i] & 0xFF;
        }
        return s & 0xFF;
    }
}
