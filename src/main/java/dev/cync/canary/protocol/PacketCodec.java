package dev.cync.canary.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDateTime;

/**
 * Turns one framed packet into a {@link Packet} and back. The framer has already checked the
 * header; this checks each type's structure and reports anything off as
 * {@link DecodeError#MALFORMED}. A checksum mismatch is not malformed: the packet is returned with
 * {@code checksumValid = false} and the caller decides.
 */
public final class PacketCodec {

    // Packets without fields are decoded to shared instances: the steady path (heartbeats) then
    // allocates nothing per packet.
    private static final Packet.HelloAck HELLO_ACK = new Packet.HelloAck();
    private static final Packet.Connect CONNECT = new Packet.Connect();
    private static final Packet.DeviceInfoAck DEVICE_INFO_ACK = new Packet.DeviceInfoAck();
    private static final Packet.Heartbeat HEARTBEAT = new Packet.Heartbeat();
    private static final Packet.HeartbeatAck HEARTBEAT_ACK = new Packet.HeartbeatAck();

    private PacketCodec() {}

    /** Decodes a whole packet held in {@code bytes}. */
    public static Packet decode(byte[] bytes) {
        return decode(Unpooled.wrappedBuffer(bytes), 0, bytes.length);
    }

    /**
     * Decodes the packet of {@code length} bytes at {@code index} (header included). The buffer's
     * indices are not moved.
     *
     * @throws PacketDecodeException when the header is not a Cync header or the structure is wrong
     */
    public static Packet decode(ByteBuf buf, int index, int length) {
        int framed = PacketFramer.frame(buf, index, length);
        if (framed < 0) {
            throw new PacketDecodeException(PacketFramer.error(framed), "bad header " + headerHex(buf, index, length));
        }
        if (framed != length) {
            throw new PacketDecodeException(
                    DecodeError.MALFORMED,
                    "header says " + framedLength(buf, index, length) + " bytes, packet has " + length);
        }
        int type = buf.getUnsignedByte(index);
        return switch (type) {
            case 0x23 -> hello(buf, index, length);
            case 0x28 -> fixed(buf, index, length, 7, HELLO_ACK);
            case 0xC3 -> fixed(buf, index, length, 6, CONNECT);
            case 0xC8 -> serverTime(buf, index, length);
            case 0x43 -> deviceInfo(buf, index, length);
            case 0x48 -> fixed(buf, index, length, 8, DEVICE_INFO_ACK);
            case 0x83 -> status(buf, index, length);
            case 0x88 -> new Packet.StatusAck(sequenceField(buf, index, length, 8));
            case 0xD3 -> fixed(buf, index, length, 5, HEARTBEAT);
            case 0xD8 -> fixed(buf, index, length, 5, HEARTBEAT_ACK);
            case 0x73 -> command(buf, index, length);
            case 0x7B -> new Packet.CommandAck(new AckKey(ackKeyBits(expect(buf, index, length, 12), index)));
            case 0x78 -> new Packet.CommandAckReply(new AckKey(ackKeyBits(expect(buf, index, length, 12), index)));
            case 0xA3 ->
                new Packet.Control(
                        new DeviceId(expect(buf, index, length, 12).getInt(index + 5)),
                        buf.getUnsignedMedium(index + 9));
            case 0xAB -> controlAnswer(buf, index, length);
            default -> throw new IllegalStateException("framer accepted unknown type " + PacketType.hex(type));
        };
    }

    /**
     * Whether the inner frame of the framed packet at {@code index} keeps the L rule and the checksum
     * rule, read as it is on the wire (escaped frames need {@link InnerFrame#of}). Allocation-free;
     * false for a packet too short to hold a frame or without a start marker where one is due.
     */
    public static boolean checksumValid(ByteBuf buf, int index, int length) {
        int marker = markerOffset(buf, index, length);
        int checksumAt = length - 2;
        if (marker < 0 || checksumAt < marker + InnerFrame.HEAD) {
            return false;
        }
        int l = buf.getUnsignedByte(index + marker + 7);
        return l == checksumAt - (marker + InnerFrame.HEAD)
                && Checksum.sum(buf, index + marker + 6, index + checksumAt) == buf.getUnsignedByte(index + checksumAt);
    }

    /** {@link InnerFrame#markerOffset(byte[])} without copying the packet. */
    static int markerOffset(ByteBuf buf, int index, int length) {
        if (length < InnerFrame.VENDOR_MARKER_OFFSET + InnerFrame.HEAD + 2) {
            return -1;
        }
        int type = buf.getUnsignedByte(index);
        if (buf.getUnsignedByte(index + InnerFrame.VENDOR_MARKER_OFFSET) == InnerFrame.MARKER) {
            return InnerFrame.VENDOR_MARKER_OFFSET;
        }
        if (type == 0x73
                && buf.getByte(index + InnerFrame.VENDOR_MARKER_OFFSET) == 0
                && buf.getUnsignedByte(index + InnerFrame.PROXY_MARKER_OFFSET) == InnerFrame.MARKER
                && length >= InnerFrame.PROXY_MARKER_OFFSET + InnerFrame.HEAD + 2) {
            return InnerFrame.PROXY_MARKER_OFFSET;
        }
        return type == 0x83 && length == 55 ? InnerFrame.VENDOR_MARKER_OFFSET : -1;
    }

    /** Bytes 5..11 of the packet at {@code index} packed as an {@link AckKey}'s bits. */
    public static long ackKeyBits(ByteBuf buf, int index) {
        return ((buf.getUnsignedInt(index + 5)) << 24) | buf.getUnsignedMedium(index + 9);
    }

    /** Encodes a packet into a new array. */
    public static byte[] encode(Packet packet) {
        ByteBuf out = Unpooled.buffer(64);
        encode(packet, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        return bytes;
    }

    /** Appends the packet's bytes to {@code out}. */
    public static void encode(Packet packet, ByteBuf out) {
        if (packet instanceof Packet.Hello h) {
            header(out, 0x23, 26);
            out.writeByte(0x03).writeInt(h.deviceId().value()).writeByte(0x00).writeByte(0x10);
            out.writeBytes(h.authCode().getBytes(StandardCharsets.US_ASCII));
            out.writeByte(0x00).writeByte(0x00).writeByte(0x3C);
        } else if (packet instanceof Packet.HelloAck) {
            header(out, 0x28, 2);
            out.writeShort(0);
        } else if (packet instanceof Packet.Connect) {
            header(out, 0xC3, 1);
            out.writeByte(0x0C);
        } else if (packet instanceof Packet.ServerTime t) {
            header(out, 0xC8, 11);
            LocalDateTime d = t.localTime();
            out.writeByte(0x0D)
                    .writeShort(d.getYear())
                    .writeByte(d.getMonthValue())
                    .writeByte(d.getDayOfMonth());
            out.writeByte(d.getDayOfWeek().getValue() % 7 + 1);
            out.writeByte(d.getHour()).writeByte(d.getMinute()).writeByte(d.getSecond());
            out.writeShort(t.utcOffsetMinutes() * 100 / 60);
        } else if (packet instanceof Packet.DeviceInfo i) {
            header(out, 0x43, 4 + i.payload().length());
            out.writeInt(i.deviceId().value());
            out.writeBytes(i.payload().array());
        } else if (packet instanceof Packet.DeviceInfoAck) {
            header(out, 0x48, 3);
            out.writeByte(0x01).writeByte(0x01).writeByte(0x00);
        } else if (packet instanceof Packet.Status s) {
            out.writeBytes(s.bytes().array());
        } else if (packet instanceof Packet.StatusAck a) {
            header(out, 0x88, 3);
            out.writeMedium(a.sequenceField());
        } else if (packet instanceof Packet.Heartbeat) {
            header(out, 0xD3, 0);
        } else if (packet instanceof Packet.HeartbeatAck) {
            header(out, 0xD8, 0);
        } else if (packet instanceof Packet.Command c) {
            out.writeBytes(c.bytes().array());
        } else if (packet instanceof Packet.CommandAck a) {
            header(out, 0x7B, 7);
            writeKey(out, a.key());
        } else if (packet instanceof Packet.CommandAckReply r) {
            header(out, 0x78, 7);
            writeKey(out, r.echoed());
        } else if (packet instanceof Packet.Control c) {
            header(out, 0xA3, 7);
            out.writeInt(c.endpoint().value()).writeMedium(c.nonce());
        } else if (packet instanceof Packet.ControlAnswer a) {
            out.writeBytes(a.bytes().array());
        } else if (packet instanceof Packet.Unknown u) {
            out.writeBytes(u.bytes().array());
        } else {
            throw new IllegalArgumentException("cannot encode " + packet);
        }
    }

    private static void header(ByteBuf out, int type, int bodyLength) {
        out.writeByte(type).writeShort(0).writeShort(bodyLength);
    }

    private static void writeKey(ByteBuf out, AckKey key) {
        out.writeInt((int) (key.bits() >>> 24)).writeMedium((int) key.bits());
    }

    private static Packet hello(ByteBuf buf, int index, int length) {
        expect(buf, index, length, 31);
        if (buf.getUnsignedByte(index + 11) != 0x10) {
            throw malformed(0x23, "auth code length byte is " + buf.getUnsignedByte(index + 11) + ", expected 16");
        }
        byte[] auth = new byte[16];
        buf.getBytes(index + 12, auth);
        for (byte b : auth) {
            if (b < 0x20 || b > 0x7E) {
                throw malformed(0x23, "auth code is not printable ASCII");
            }
        }
        return new Packet.Hello(new DeviceId(buf.getInt(index + 6)), new String(auth, StandardCharsets.US_ASCII));
    }

    private static Packet serverTime(ByteBuf buf, int index, int length) {
        expect(buf, index, length, 16);
        try {
            LocalDateTime t = LocalDateTime.of(
                    buf.getUnsignedShort(index + 6),
                    buf.getUnsignedByte(index + 8),
                    buf.getUnsignedByte(index + 9),
                    buf.getUnsignedByte(index + 11),
                    buf.getUnsignedByte(index + 12),
                    buf.getUnsignedByte(index + 13));
            return new Packet.ServerTime(t, buf.getShort(index + 14) * 60 / 100);
        } catch (DateTimeException e) {
            throw malformed(0xC8, "invalid date or time: " + e.getMessage());
        }
    }

    private static Packet deviceInfo(ByteBuf buf, int index, int length) {
        if (length < 12) {
            throw malformed(0x43, "needs at least 12 bytes, has " + length);
        }
        byte[] payload = new byte[length - 9];
        buf.getBytes(index + 9, payload);
        return new Packet.DeviceInfo(new DeviceId(buf.getInt(index + 5)), Bytes.wrap(payload));
    }

    private static Packet status(ByteBuf buf, int index, int length) {
        checkFrame(buf, index, length, 0x83);
        return new Packet.Status(
                new DeviceId(buf.getInt(index + 5)),
                buf.getUnsignedMedium(index + 9),
                copy(buf, index, length),
                checksumValid(buf, index, length));
    }

    private static Packet command(ByteBuf buf, int index, int length) {
        checkFrame(buf, index, length, 0x73);
        return command(copy(buf, index, length).array());
    }

    /** A 0x73 from its whole bytes, which must have a start marker at 12 or 13 and an end marker. */
    static Packet.Command command(byte[] b) {
        InnerFrame f = InnerFrame.of(b).orElseThrow(() -> malformed(0x73, "no inner frame"));
        return new Packet.Command(
                new AckKey(((b[5] & 0xFFL) << 48)
                        | ((b[6] & 0xFFL) << 40)
                        | ((b[7] & 0xFFL) << 32)
                        | ((b[8] & 0xFFL) << 24)
                        | ((b[9] & 0xFFL) << 16)
                        | ((b[10] & 0xFFL) << 8)
                        | (b[11] & 0xFFL)),
                Bytes.wrap(b),
                f.valid());
    }

    private static Packet controlAnswer(ByteBuf buf, int index, int length) {
        if (length < 12) {
            throw malformed(0xAB, "needs at least 12 bytes, has " + length);
        }
        return new Packet.ControlAnswer(
                new DeviceId(buf.getInt(index + 5)), buf.getUnsignedMedium(index + 9), copy(buf, index, length));
    }

    /** Structure of a framed packet: room for a frame, a start marker where one is due, an end marker. */
    private static void checkFrame(ByteBuf buf, int index, int length, int type) {
        if (length < InnerFrame.VENDOR_MARKER_OFFSET + InnerFrame.HEAD + 2) {
            throw malformed(type, length + " bytes is too short for an inner frame");
        }
        if (markerOffset(buf, index, length) < 0) {
            throw malformed(
                    type,
                    "no start marker 0x7e at byte 12" + (type == 0x73 ? " (vendor form) or 13 (proxy form)" : ""));
        }
        if (buf.getUnsignedByte(index + length - 1) != Checksum.MARKER) {
            throw malformed(type, "no end marker 0x7e in the last byte");
        }
    }

    private static int sequenceField(ByteBuf buf, int index, int length, int expected) {
        expect(buf, index, length, expected);
        return buf.getUnsignedMedium(index + 5);
    }

    private static <P extends Packet> P fixed(ByteBuf buf, int index, int length, int expected, P packet) {
        expect(buf, index, length, expected);
        return packet;
    }

    private static ByteBuf expect(ByteBuf buf, int index, int length, int expected) {
        if (length != expected) {
            throw malformed(buf.getUnsignedByte(index), "expected " + expected + " bytes, got " + length);
        }
        return buf;
    }

    private static Bytes copy(ByteBuf buf, int index, int length) {
        byte[] b = new byte[length];
        buf.getBytes(index, b);
        return Bytes.wrap(b);
    }

    private static PacketDecodeException malformed(int type, String why) {
        return new PacketDecodeException(DecodeError.MALFORMED, PacketType.hex(type) + " " + why);
    }

    private static int framedLength(ByteBuf buf, int index, int length) {
        return length >= PacketFramer.HEADER_LENGTH ? PacketFramer.HEADER_LENGTH + buf.getUnsignedShort(index + 3) : -1;
    }

    private static String headerHex(ByteBuf buf, int index, int length) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(length, PacketFramer.HEADER_LENGTH); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", buf.getUnsignedByte(index + i)));
        }
        return sb.toString();
    }
}
