package dev.cync.canary.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The mesh query ({@code f8 52 06}, body {@code 00 00 ff ff 00 00}: the whole mesh) and its answer,
 * a long device 0x73 of class {@code f9 52} [VENDOR].
 *
 * <p>The answer's layout is read from the one answer in the vendor trace: a 6-byte head
 * ({@code 04 00 00 00 04 00}, the first byte the entry count) then one 24-byte entry per mesh
 * device: mesh id (2 bytes LE) at 0, on/off at 8, brightness at 12, colour temperature at 16. Only
 * the mesh ids are used for routing; the state bytes are taken as the trace shows them and
 * superseded by the next 0x43 or 0x83.
 */
public final class MeshQuery {

    public static final int ENTRY = 24;
    static final int HEAD = 6;

    /** One mesh device in a query answer. */
    public record Entry(int meshId, boolean on, int brightness, int colorTemp) {}

    private MeshQuery() {}

    /** The query, in the vendor's form (29 bytes). */
    public static Packet.Command request(DeviceId endpoint, int field, int sequence) {
        byte[] body = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF, 0x00, 0x00};
        return PacketCodec.command(InnerFrame.packet(
                0x73, endpoint, field, sequence, 0, InnerFrame.REQUEST, InnerFrame.OP_MESH_QUERY, body));
    }

    /** The entries of a device's {@code f9 52} answer, or empty when {@code c} is not one. */
    public static Optional<List<Entry>> answer(Packet.Command c) {
        Optional<InnerFrame> of = c.frame();
        if (of.isEmpty()
                || of.get().frameClass() != InnerFrame.ANSWER
                || of.get().opcode() != InnerFrame.OP_MESH_QUERY
                || !of.get().valid()) {
            return Optional.empty();
        }
        byte[] b = of.get().body().array();
        if (b.length < HEAD || (b.length - HEAD) % ENTRY != 0) {
            return Optional.empty();
        }
        List<Entry> out = new ArrayList<>();
        for (int at = HEAD; at < b.length; at += ENTRY) {
            out.add(new Entry(
                    (b[at] & 0xFF) | ((b[at + 1] & 0xFF) << 8), b[at + 8] != 0, b[at + 12] & 0xFF, b[at + 16] & 0xFF));
        }
        return Optional.of(List.copyOf(out));
    }

    /** An answer listing {@code entries}, as the simulator sends it. */
    public static Packet.Command answer(DeviceId endpoint, int field, int sequence, List<Entry> entries) {
        byte[] body = new byte[HEAD + ENTRY * entries.size()];
        body[0] = (byte) entries.size();
        body[4] = (byte) entries.size();
        int at = HEAD;
        for (Entry e : entries) {
            body[at] = (byte) e.meshId();
            body[at + 1] = (byte) (e.meshId() >>> 8);
            body[at + 3] = 0x01;
            body[at + 7] = 0x01;
            body[at + 8] = (byte) (e.on() ? 1 : 0);
            body[at + 12] = (byte) e.brightness();
            body[at + 16] = (byte) e.colorTemp();
            at += ENTRY;
        }
        return PacketCodec.command(InnerFrame.packet(
                0x73, endpoint, field, sequence, 0, InnerFrame.ANSWER, InnerFrame.OP_MESH_QUERY, body));
    }
}
