package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The inner-frame checksum of 0x73 and 0x83 packets: the sum, mod 256, of the bytes from the start
 * marker's position + 6 up to the byte before the checksum, which sits just before the final 0x7e.
 *
 * <p>The start marker is located by position, never by searching, because device ids can contain
 * 0x7e: byte 13 for a server 0x73 (a padding 0x00 sits at byte 12), byte 12 for a 0x83. A 55-byte
 * 0x83 has no start marker at all but checks out as if it had one at byte 12.
 */
public final class Checksum {

    /** The end marker of an inner frame. */
    public static final int MARKER = 0x7E;

    private Checksum() {}

    /** The position of the start marker for a framed packet of this type and total size. */
    public static int markerOffset(int type) {
        return type == 0x73 ? 13 : 12;
    }

    /** Whether a 0x73/0x83 packet must carry a real 0x7e at its marker position. */
    static boolean startMarkerRequired(int type, int totalLength) {
        return !(type == 0x83 && totalLength == 55);
    }

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

    /**
     * Computes the checksum byte for a framed packet laid out in {@code bytes} (whole packet,
     * header included) and writes it in place. Used by the encoders.
     */
    static void fill(byte[] bytes, int type) {
        int marker = markerOffset(type);
        int checksumAt = bytes.length - 2;
        bytes[checksumAt] = (byte) sum(bytes, marker + 6, checksumAt);
    }
}
