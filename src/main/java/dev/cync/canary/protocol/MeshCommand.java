package dev.cync.canary.protocol;

import java.util.Optional;

/**
 * A server 0x73 that sets something on a mesh target, in the vendor's form (start marker at byte
 * 12): header, endpoint, the 3-byte field (the receipt key's last bytes), then the frame
 * {@code 7e S 00 00 00 f8 op L 00 | S 00 00 00 00 target(LE) op 11 02 parameters | checksum 7e}.
 *
 * <p>The vendor's six power commands in the reference trace are reproduced byte for byte by this
 * class given their endpoint, field and inner sequence (a test checks it).
 *
 * @param field bytes 9..11 as one 24-bit value (the vendor uses a per-session queue id, e.g.
 *     {@code 15 37 00}; this project uses {@code 00 S 00})
 * @param target a mesh id (1..0x7fff), a group id (0x8000..0xfffe) or {@link #WHOLE_MESH}
 */
public record MeshCommand(DeviceId endpoint, int field, int sequence, int target, Setting setting) {

    /** The target {@code ff ff}: every device of the mesh. */
    public static final int WHOLE_MESH = 0xFFFF;
    /** Group ids start here (docs/protocol.md: a group id is >= 0x8000). */
    public static final int FIRST_GROUP = 0x8000;

    public MeshCommand {
        if (endpoint == null || setting == null) {
            throw new IllegalArgumentException("a mesh command needs an endpoint and a setting");
        }
        if (field < 0 || field > 0xFFFFFF) {
            throw new IllegalArgumentException("field must be 3 bytes, got " + field);
        }
        if (sequence < 0 || sequence > 0xFF) {
            throw new IllegalArgumentException("inner sequence must be 0..255, got " + sequence);
        }
        if (target < 1 || target > 0xFFFF) {
            // 00 00 is never a target: it switched nothing in the captures (docs/protocol.md revision 2).
            throw new IllegalArgumentException("target must be a mesh id, group id or ffff (1..65535), got " + target);
        }
    }

    /** The key the device's 0x7B receipt echoes (bytes 5..11). */
    public AckKey receiptKey() {
        return AckKey.of(endpoint, field);
    }

    /** The whole 0x73. */
    public Packet.Command toPacket() {
        byte[] p = setting.parameters();
        byte[] body = new byte[10 + p.length];
        body[0] = (byte) sequence;
        body[5] = (byte) target;
        body[6] = (byte) (target >>> 8);
        body[7] = (byte) setting.opcode();
        body[8] = 0x11;
        body[9] = 0x02;
        System.arraycopy(p, 0, body, 10, p.length);
        byte[] b = InnerFrame.packet(0x73, endpoint, field, sequence, 0, InnerFrame.REQUEST, setting.opcode(), body);
        return PacketCodec.command(b);
    }

    /** The command a server 0x73 carries, when it is a power or light request this class knows. */
    public static Optional<MeshCommand> parse(Packet.Command c) {
        Optional<InnerFrame> of = c.frame();
        if (of.isEmpty()) {
            return Optional.empty();
        }
        InnerFrame f = of.get();
        byte[] body = f.body().array();
        if (f.frameClass() != InnerFrame.REQUEST
                || !f.lengthValid()
                || body.length < 10
                || (body[7] & 0xFF) != f.opcode()
                || body[8] != 0x11
                || body[9] != 0x02) {
            return Optional.empty();
        }
        Setting s = Setting.parse(f.opcode(), body, 10);
        int target = (body[5] & 0xFF) | ((body[6] & 0xFF) << 8);
        if (s == null || target == 0) {
            return Optional.empty();
        }
        return Optional.of(new MeshCommand(c.deviceId(), c.key().sequenceField(), f.sequence(), target, s));
    }

    /** The target at rel 14..15 of any server request laid out as {@code seq, 4 bytes, target}, or -1. */
    public static int target(InnerFrame f) {
        byte[] body = f.body().array();
        if (f.frameClass() != InnerFrame.REQUEST || body.length < 7) {
            return -1;
        }
        return (body[5] & 0xFF) | ((body[6] & 0xFF) << 8);
    }
}
