package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Finds packet boundaries: a 5-byte header {@code type 00 00 len_hi len_lo} and a body of
 * {@code len} bytes. Stateless and allocation-free; it reads only the header, so an oversized
 * length is refused before anything is buffered for it.
 */
public final class PacketFramer {

    public static final int HEADER_LENGTH = 5;
    /** The largest packet accepted. Real traffic tops out at 145 bytes. */
    public static final int MAX_PACKET = 4096;

    /** {@link #frame} result: the packet is not complete yet. */
    public static final int NEED_MORE = 0;

    static final int UNKNOWN_TYPE = -1;
    static final int NONZERO_HEADER = -2;
    static final int OVERSIZED = -3;

    private PacketFramer() {}

    /**
     * Looks at the bytes at {@code index}. Returns the total packet length when a whole packet is
     * there, {@link #NEED_MORE} when more bytes are needed, or a negative code for a header that
     * cannot start a packet (see {@link #error}). Checks as early as the bytes allow, so garbage
     * is recognised from its first byte.
     */
    public static int frame(ByteBuf buf, int index, int readable) {
        if (readable < 1) {
            return NEED_MORE;
        }
        if (!PacketType.isKnown(buf.getByte(index))) {
            return UNKNOWN_TYPE;
        }
        if (readable >= 2 && buf.getByte(index + 1) != 0) {
            return NONZERO_HEADER;
        }
        if (readable >= 3 && buf.getByte(index + 2) != 0) {
            return NONZERO_HEADER;
        }
        if (readable < HEADER_LENGTH) {
            return NEED_MORE;
        }
        int total = HEADER_LENGTH + buf.getUnsignedShort(index + 3);
        if (total > MAX_PACKET) {
            return OVERSIZED;
        }
        return readable >= total ? total : NEED_MORE;
    }

    /** The error for a negative {@link #frame} result. */
    public static DecodeError error(int code) {
        return switch (code) {
            case UNKNOWN_TYPE -> DecodeError.UNKNOWN_TYPE;
            case NONZERO_HEADER -> DecodeError.NONZERO_HEADER;
            case OVERSIZED -> DecodeError.OVERSIZED;
            default -> throw new IllegalArgumentException("not an error code: " + code);
        };
    }

    /**
     * Whether a header could start at {@code index} as far as the available bytes show: a known
     * type, zero bytes 1-2 and an acceptable length. Used to resynchronise after garbage.
     */
    static boolean plausibleStart(ByteBuf buf, int index, int readable) {
        int r = frame(buf, index, readable);
        return r >= 0;
    }
}
