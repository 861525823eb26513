package dev.cync.canary.protocol;

import java.util.Optional;

/**
 * The 36-byte power command: a 0x73 whose inner frame is seq, {@code 01 00 00}, {@code f8 8e 0c},
 * {@code 00}, seq, {@code 01 00 00 00}, mesh id (2 bytes LE), {@code f7 11 02}, state, {@code 01},
 * checksum, {@code 7e}. Setting a state is idempotent, so it is safe to retry and to mirror.
 */
public record PowerCommand(DeviceId deviceId, int sequence, int meshId, boolean on) {

    static final int LENGTH = 36;

    public PowerCommand {
        if (sequence < 0 || sequence > 0xFF) {
            throw new IllegalArgumentException("sequence must be 0..255, got " + sequence);
        }
        if (meshId < 0 || meshId > 0xFFFF) {
            throw new IllegalArgumentException("mesh id must be 0..65535, got " + meshId);
        }
    }

    /** The key the device's 0x7B will echo: device id then {@code 00 seq 00}. */
    public AckKey ackKey() {
        return AckKey.of(deviceId, sequence << 8);
    }

    /** Builds the whole 36-byte 0x73 with its checksum. */
    public Packet.Command toPacket() {
        byte[] b = new byte[LENGTH];
        b[0] = 0x73;
        b[4] = (byte) (LENGTH - 5);
        int id = deviceId.value();
        b[5] = (byte) (id >>> 24);
        b[6] = (byte) (id >>> 16);
        b[7] = (byte) (id >>> 8);
        b[8] = (byte) id;
        b[10] = (byte) sequence;
        b[13] = 0x7E;
        b[14] = (byte) sequence;
        b[15] = 0x01;
        b[18] = (byte) 0xF8;
        b[19] = (byte) 0x8E;
        b[20] = 0x0C;
        b[22] = (byte) sequence;
        b[23] = 0x01;
        b[27] = (byte) meshId;
        b[28] = (byte) (meshId >>> 8);
        b[29] = (byte) 0xF7;
        b[30] = 0x11;
        b[31] = 0x02;
        b[32] = (byte) (on ? 1 : 0);
        b[33] = 0x01;
        b[35] = 0x7E;
        Checksum.fill(b, 0x73);
        return new Packet.Command(ackKey(), Bytes.wrap(b), true);
    }

    static Optional<PowerCommand> parse(Bytes b) {
        if (b.length() != LENGTH || b.get(0) != 0x73 || b.get(13) != 0x7E
                || b.get(18) != 0xF8 || b.get(19) != 0x8E || b.get(20) != 0x0C
                || b.get(29) != 0xF7 || b.get(30) != 0x11 || b.get(31) != 0x02) {
            return Optional.empty();
        }
        int id = (b.get(5) << 24) | (b.get(6) << 16) | (b.get(7) << 8) | b.get(8);
        return Optional.of(new PowerCommand(new DeviceId(id), b.get(10), b.get(27) | (b.get(28) << 8), b.get(32) != 0));
    }
}
