package dev.cync.canary.protocol;

import java.time.ZonedDateTime;

/** Factories for packets whose layout needs more than their record's fields. */
public final class Packets {

    /**
     * A 42-byte status broadcast in the mesh-status layout real bulbs send (template from the
     * captures), with the power state at byte 31 and a correct checksum.
     */
    private static final byte[] STATUS_TEMPLATE = Bytes.fromHex(
            "83 00 00 00 25 00 00 00 00 00 00 00 7e 1f 00 00 00 fa db 13 00 87 25 11 ee 00 ee 00"
                    + " db 11 02 01 01 0a 0a ff ff ff 00 00 00 7e").toArray();

    private Packets() {}

    public static Packet.Status powerStatus(DeviceId device, int sequence, boolean on) {
        byte[] b = STATUS_TEMPLATE.clone();
        int id = device.value();
        b[5] = (byte) (id >>> 24);
        b[6] = (byte) (id >>> 16);
        b[7] = (byte) (id >>> 8);
        b[8] = (byte) id;
        b[10] = (byte) sequence;
        b[31] = (byte) (on ? 1 : 0);
        Checksum.fill(b, 0x83);
        return new Packet.Status(device, (sequence & 0xFF) << 8, Bytes.wrap(b), true);
    }

    /** A 12-byte device info (no status records), the form most devices send. */
    public static Packet.DeviceInfo deviceInfo(DeviceId device) {
        return new Packet.DeviceInfo(device, Bytes.wrap(new byte[] {0x01, 0x01, 0x06}));
    }

    /** The 0xC8 answer to a connect notice, carrying {@code now}'s local time and offset. */
    public static Packet.ServerTime serverTime(ZonedDateTime now) {
        return new Packet.ServerTime(now.toLocalDateTime().withNano(0), now.getOffset().getTotalSeconds() / 60);
    }
}
