package dev.cync.canary.protocol;

import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;

/** Factories for packets whose layout needs more than their record's fields. */
public final class Packets {

    private Packets() {}

    /** A 12-byte device info (no state entries): the keep-alive form. */
    public static Packet.DeviceInfo deviceInfo(DeviceId device) {
        return new Packet.DeviceInfo(device, Bytes.wrap(new byte[] {0x01, 0x01, 0x06}));
    }

    /** The 0xC8 answer to a connect notice, carrying {@code now}'s local time and offset. */
    public static Packet.ServerTime serverTime(ZonedDateTime now) {
        return new Packet.ServerTime(
                now.toLocalDateTime().withNano(0), now.getOffset().getTotalSeconds() / 60);
    }

    /**
     * A device's execution ack (24 bytes) of the request with {@code opcode} and inner
     * {@code sequence}: {@code 73 00 00 00 13}, endpoint, the device's own counter, frame
     * {@code 7e S 00 00 00 f9 op 01 00 00 cs 7e} [VENDOR].
     */
    public static Packet.Command executionAck(DeviceId endpoint, int counter, int sequence, int opcode) {
        return PacketCodec.command(
                InnerFrame.packet(0x73, endpoint, counter, sequence, 0, InnerFrame.ANSWER, opcode, new byte[] {0x00}));
    }

    /** The 0x7B receipt for a 0x73 (or, from the server, for a device report): echoes bytes 5..11. */
    public static Packet.CommandAck receipt(AckKey key) {
        return new Packet.CommandAck(key);
    }

    /**
     * The 0xAB answer to a 0xA3 as the vendor's plug sent it: endpoint, the 0xA3's 3 bytes,
     * {@code 00 07 00 09}, {@code xlink_dev}, zeros up to 1,024 bytes.
     */
    public static Packet.ControlAnswer controlAnswer(DeviceId endpoint, int nonce) {
        byte[] b = new byte[1024];
        b[0] = (byte) 0xAB;
        b[3] = (byte) ((b.length - 5) >>> 8);
        b[4] = (byte) (b.length - 5);
        int id = endpoint.value();
        b[5] = (byte) (id >>> 24);
        b[6] = (byte) (id >>> 16);
        b[7] = (byte) (id >>> 8);
        b[8] = (byte) id;
        b[9] = (byte) (nonce >>> 16);
        b[10] = (byte) (nonce >>> 8);
        b[11] = (byte) nonce;
        b[13] = 0x07;
        b[15] = 0x09;
        byte[] tag = "xlink_dev".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tag, 0, b, 16, tag.length);
        return new Packet.ControlAnswer(endpoint, nonce, Bytes.wrap(b));
    }
}
