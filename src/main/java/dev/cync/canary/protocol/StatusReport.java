package dev.cync.canary.protocol;

import java.nio.charset.StandardCharsets;

/**
 * What a 0x83 says (docs/protocol.md, "0x83 kinds"), by size and rel 5..7.
 *
 * <ul>
 *   <li>{@link Kind#OWN_STATE}: 42 bytes, {@code fa db 13}: the sender's own state. Absolute offsets:
 *       13 inner sequence (the command's when the report follows one), 24..25 mesh id (LE), 31
 *       online, 32 on/off, 33 brightness (kept when off: on/off comes from byte 32 only), 34 colour
 *       temperature, 35..37 R G B.
 *   <li>{@link Kind#MESH_BROADCAST}: 43 bytes, {@code fa db 14}: no state.
 *   <li>{@link Kind#FIRMWARE}: 55 bytes, no start marker, {@code fa 00 20}: ASCII digits from byte 35.
 *   <li>{@link Kind#OTHER}: anything else (the vendor trace has a 43-byte {@code fa 8e 14} after a
 *       switch-mode request): counted, answered, not interpreted.
 * </ul>
 * Fields that a kind does not carry are 0 (and {@code firmware} null).
 */
public record StatusReport(
        Kind kind,
        int sequence,
        int meshId,
        boolean online,
        boolean on,
        int brightness,
        int colorTemp,
        int red,
        int green,
        int blue,
        String firmware) {

    public enum Kind {
        OWN_STATE,
        MESH_BROADCAST,
        FIRMWARE,
        OTHER
    }

    public static StatusReport of(Packet.Status s) {
        byte[] b = s.bytes().array();
        int c5 = b.length > 19 ? b[17] & 0xFF : -1;
        int c6 = b.length > 19 ? b[18] & 0xFF : -1;
        int c7 = b.length > 19 ? b[19] & 0xFF : -1;
        if (b.length == 42 && c5 == 0xFA && c6 == 0xDB && c7 == 0x13) {
            return new StatusReport(
                    Kind.OWN_STATE,
                    b[13] & 0xFF,
                    (b[24] & 0xFF) | ((b[25] & 0xFF) << 8),
                    b[31] != 0,
                    b[32] != 0,
                    b[33] & 0xFF,
                    b[34] & 0xFF,
                    b[35] & 0xFF,
                    b[36] & 0xFF,
                    b[37] & 0xFF,
                    null);
        }
        if (b.length == 43 && c5 == 0xFA && c6 == 0xDB && c7 == 0x14) {
            return new StatusReport(Kind.MESH_BROADCAST, b[13] & 0xFF, 0, false, false, 0, 0, 0, 0, 0, null);
        }
        if (b.length == 55 && c5 == 0xFA && c6 == 0x00 && c7 == 0x20) {
            int end = 35;
            while (end < b.length - 2 && b[end] >= '0' && b[end] <= '9') {
                end++;
            }
            String fw = end > 35 ? new String(b, 35, end - 35, StandardCharsets.US_ASCII) : null;
            return new StatusReport(Kind.FIRMWARE, 0, 0, false, false, 0, 0, 0, 0, 0, fw);
        }
        return new StatusReport(Kind.OTHER, b.length > 13 ? b[13] & 0xFF : 0, 0, false, false, 0, 0, 0, 0, 0, null);
    }

    /**
     * A 42-byte own-state 0x83 in the vendor trace's layout, with L and checksum computed.
     *
     * @param field bytes 9..11 (the device's report counter)
     * @param sequence rel 1: the inner sequence of the command this report follows, or 0
     */
    public static Packet.Status ownState(
            DeviceId endpoint,
            int field,
            int sequence,
            int meshId,
            boolean online,
            boolean on,
            int brightness,
            int colorTemp,
            int red,
            int green,
            int blue) {
        // Body rel 9..27 as in the trace: 34 22 11 | mesh id (LE) twice | db 11 02 | online on level temp r g b 00 00
        byte[] body = {
            0x34,
            0x22,
            0x11,
            (byte) meshId,
            (byte) (meshId >>> 8),
            (byte) meshId,
            (byte) (meshId >>> 8),
            (byte) 0xDB,
            0x11,
            0x02,
            (byte) (online ? 1 : 0),
            (byte) (on ? 1 : 0),
            (byte) brightness,
            (byte) colorTemp,
            (byte) red,
            (byte) green,
            (byte) blue,
            0x00,
            0x00
        };
        byte[] b = InnerFrame.packet(0x83, endpoint, field, sequence, 0, InnerFrame.REPORT, InnerFrame.OP_STATUS, body);
        return (Packet.Status) PacketCodec.decode(b);
    }
}
