package dev.cync.canary.protocol;

import java.util.Arrays;
import java.util.Optional;

/**
 * The inner frame of a 0x73 or 0x83 (docs/protocol.md, "The inner frame"): {@code 7e}, inner sequence,
 * three flag bytes, class, opcode, length L, {@code 00}, L body bytes, checksum, {@code 7e}.
 *
 * <p>The start marker is found by position, never by searching (endpoint ids can contain 0x7e):
 * byte 12 in the vendor's form, byte 13 in the capture proxy's form (a padding 0x00 at byte 12,
 * decoded but never sent). A 55-byte 0x83 has no start marker; it is read as if the marker were at
 * byte 12. The frame ends at the packet's last byte.
 *
 * <p>Escapes ({@code 7d 5d} for 0x7d, {@code 7d 5e} for 0x7e) are reported by notes for some
 * firmware and seen in no capture. A frame is read as it is on the wire first; only when that
 * breaks the L rule and the unescaped form keeps it is the unescaped form taken
 * ({@link #escaped()}), so a raw frame that happens to hold {@code 7d 5d} is never mangled.
 *
 * @param markerOffset where the start marker is (or would be) in the packet: 12 or 13
 * @param flags rel 2..4 as one 24-bit value ({@code 00 00 00} or {@code 01 00 00})
 * @param length the L byte as sent
 * @param body the L bytes from rel 9 (as many as there are when L is wrong)
 * @param checksumValid whether the checksum byte equals the sum of rel 6 .. the byte before it
 * @param lengthValid whether L equals the number of bytes from rel 9 to the checksum
 */
public record InnerFrame(
        int markerOffset,
        int sequence,
        int flags,
        int frameClass,
        int opcode,
        int length,
        Bytes body,
        int checksum,
        boolean checksumValid,
        boolean lengthValid,
        boolean escaped) {

    /** Class byte of a server request. */
    public static final int REQUEST = 0xF8;
    /** Class byte of a device's answer to a request (an execution ack, a mesh-query answer). */
    public static final int ANSWER = 0xF9;
    /** Class byte of a device's unprompted report. */
    public static final int REPORT = 0xFA;

    public static final int OP_POWER = 0xD0;
    public static final int OP_LIGHT = 0xF0;
    public static final int OP_EFFECT = 0xE2;
    public static final int OP_MESH_QUERY = 0x52;
    public static final int OP_MESH_ACK = 0xAF;
    public static final int OP_SWITCH_MODE = 0x8E;
    public static final int OP_STATUS = 0xDB;

    static final int MARKER = 0x7E;
    static final int ESCAPE = 0x7D;
    /** Frame bytes from the start marker to rel 8 inclusive. */
    static final int HEAD = 9;
    /** Packet bytes before the start marker in the vendor's form: header, endpoint, 3-byte field. */
    public static final int VENDOR_MARKER_OFFSET = 12;

    public static final int PROXY_MARKER_OFFSET = 13;

    public boolean valid() {
        return checksumValid && lengthValid;
    }

    /** Whether this is a device's execution ack of the request with {@code opcode} and {@code sequence}. */
    public boolean answers(int requestOpcode, int requestSequence) {
        return frameClass == ANSWER && opcode == requestOpcode && sequence == requestSequence;
    }

    /** Short text for logs and {@code capture --packets}: {@code f8 d0 seq 21}. */
    public String describe() {
        return String.format("%02x %02x seq %02x", frameClass, opcode, sequence);
    }

    /**
     * Where the start marker of the framed packet {@code p} is: 12 when byte 12 is 0x7e (the vendor's
     * form; also the 0x83s), 13 when byte 12 is 0x00 and byte 13 is 0x7e (the proxy's 0x73s), 12 for
     * the marker-less 55-byte 0x83, or -1 when the packet has no start marker where one is due.
     */
    public static int markerOffset(byte[] p) {
        if (p.length < VENDOR_MARKER_OFFSET + HEAD + 2) {
            return -1;
        }
        int type = p[0] & 0xFF;
        if ((p[VENDOR_MARKER_OFFSET] & 0xFF) == MARKER) {
            return VENDOR_MARKER_OFFSET;
        }
        if (type == 0x73
                && p[VENDOR_MARKER_OFFSET] == 0
                && (p[PROXY_MARKER_OFFSET] & 0xFF) == MARKER
                && p.length >= PROXY_MARKER_OFFSET + HEAD + 2) {
            return PROXY_MARKER_OFFSET;
        }
        if (type == 0x83 && p.length == 55) {
            return VENDOR_MARKER_OFFSET;
        }
        return -1;
    }

    /** The frame of a whole framed packet, or empty when it has no start or end marker where due. */
    public static Optional<InnerFrame> of(byte[] packet) {
        int marker = markerOffset(packet);
        if (marker < 0 || (packet[packet.length - 1] & 0xFF) != MARKER) {
            return Optional.empty();
        }
        byte[] content = Arrays.copyOfRange(packet, marker + 1, packet.length - 1);
        InnerFrame raw = read(marker, content, false);
        if (!raw.lengthValid && contains(content, ESCAPE)) {
            byte[] unescaped = unescape(content);
            if (unescaped != null) {
                InnerFrame u = read(marker, unescaped, true);
                if (u.lengthValid) {
                    return Optional.of(u);
                }
            }
        }
        return Optional.of(raw);
    }

    public static Optional<InnerFrame> of(Bytes packet) {
        return of(packet.array());
    }

    /** Reads the frame from its content: the bytes between the two markers. */
    private static InnerFrame read(int marker, byte[] c, boolean escaped) {
        int n = c.length; // rel 1 .. checksum
        int bodyFrom = HEAD - 1; // rel 9 is content index 8
        int checksumAt = n - 1;
        int bodyLength = Math.max(0, checksumAt - bodyFrom);
        byte[] body = new byte[bodyLength];
        if (bodyLength > 0) {
            System.arraycopy(c, bodyFrom, body, 0, bodyLength);
        }
        int sum = 0;
        for (int i = 5; i < checksumAt; i++) { // rel 6 is content index 5
            sum += c[i] & 0xFF;
        }
        int checksum = c[checksumAt] & 0xFF;
        int length = c[6] & 0xFF;
        return new InnerFrame(
                marker,
                c[0] & 0xFF,
                ((c[1] & 0xFF) << 16) | ((c[2] & 0xFF) << 8) | (c[3] & 0xFF),
                c[4] & 0xFF,
                c[5] & 0xFF,
                length,
                Bytes.wrap(body),
                checksum,
                (sum & 0xFF) == checksum,
                checksumAt >= bodyFrom && length == bodyLength,
                escaped);
    }

    private static boolean contains(byte[] b, int value) {
        for (byte x : b) {
            if ((x & 0xFF) == value) {
                return true;
            }
        }
        return false;
    }

    /** {@code 7d 5d} -> 7d, {@code 7d 5e} -> 7e; null when a 0x7d is followed by anything else. */
    static byte[] unescape(byte[] c) {
        byte[] out = new byte[c.length];
        int n = 0;
        for (int i = 0; i < c.length; i++) {
            int b = c[i] & 0xFF;
            if (b == ESCAPE) {
                if (i + 1 >= c.length) {
                    return null;
                }
                int next = c[++i] & 0xFF;
                if (next == 0x5D) {
                    out[n++] = (byte) ESCAPE;
                } else if (next == 0x5E) {
                    out[n++] = (byte) MARKER;
                } else {
                    return null;
                }
            } else {
                out[n++] = (byte) b;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * A whole packet of {@code type} (0x73 or 0x83) in the vendor's form: header, endpoint, the
     * 3-byte field, then the frame at byte 12 with L and the checksum computed. Never escaped: the
     * vendor's frames are sent raw, and the end marker is found by position.
     */
    public static byte[] packet(
            int type, DeviceId endpoint, int field, int sequence, int flags, int frameClass, int opcode, byte[] body) {
        if (body.length > 0xFF) {
            throw new IllegalArgumentException("an inner frame body holds at most 255 bytes, got " + body.length);
        }
        int total = VENDOR_MARKER_OFFSET + HEAD + body.length + 2;
        byte[] b = new byte[total];
        b[0] = (byte) type;
        b[3] = (byte) ((total - 5) >>> 8);
        b[4] = (byte) (total - 5);
        int id = endpoint.value();
        b[5] = (byte) (id >>> 24);
        b[6] = (byte) (id >>> 16);
        b[7] = (byte) (id >>> 8);
        b[8] = (byte) id;
        b[9] = (byte) (field >>> 16);
        b[10] = (byte) (field >>> 8);
        b[11] = (byte) field;
        int m = VENDOR_MARKER_OFFSET;
        b[m] = (byte) MARKER;
        b[m + 1] = (byte) sequence;
        b[m + 2] = (byte) (flags >>> 16);
        b[m + 3] = (byte) (flags >>> 8);
        b[m + 4] = (byte) flags;
        b[m + 5] = (byte) frameClass;
        b[m + 6] = (byte) opcode;
        b[m + 7] = (byte) body.length;
        System.arraycopy(body, 0, b, m + HEAD, body.length);
        int checksumAt = total - 2;
        int sum = 0;
        for (int i = m + 6; i < checksumAt; i++) {
            sum += b[i] & 0xFF;
        }
        b[checksumAt] = (byte) sum;
        b[total - 1] = (byte) MARKER;
        return b;
    }
}
