package dev.cync.canary.protocol;

/**
 * Bytes 5..11 of a 0x73 command, which the device's 0x7B acknowledgement echoes. Seven opaque
 * bytes packed big-endian into the low 56 bits of a long, so matching an ack costs no allocation.
 */
public record AckKey(long bits) {

    static final long MASK = (1L << 56) - 1;

    public AckKey {
        if ((bits & ~MASK) != 0) {
            throw new IllegalArgumentException("an ack key has 7 bytes; high byte must be zero");
        }
    }

    /** The key a command to {@code device} with the 3-byte sequence field {@code seq} carries. */
    public static AckKey of(DeviceId device, int seq) {
        return new AckKey(pack(device.value(), seq));
    }

    /** The bits of {@code of(device, seq)} without allocating. */
    public static long pack(int device, int seq) {
        return ((device & 0xFFFFFFFFL) << 24) | (seq & 0xFFFFFFL);
    }

    public DeviceId deviceId() {
        return new DeviceId((int) (bits >>> 24));
    }

    /** The 3-byte sequence field (bytes 9..11), usually {@code 00 NN 00}. */
    public int sequenceField() {
        return (int) (bits & 0xFFFFFF);
    }

    @Override
    public String toString() {
        return String.format("%014x", bits);
    }
}
