package dev.cync.canary.protocol;

/**
 * Every packet type seen in real Cync traffic (docs/protocol.md). Anything else on the wire means the
 * stream is out of sync, so the framer treats an unknown type byte as garbage.
 */
public enum PacketType {
    HELLO(0x23, Direction.DEVICE_TO_SERVER, false),
    HELLO_ACK(0x28, Direction.SERVER_TO_DEVICE, false),
    DEVICE_INFO(0x43, Direction.DEVICE_TO_SERVER, false),
    DEVICE_INFO_ACK(0x48, Direction.SERVER_TO_DEVICE, false),
    /** 0x73 both ways: server commands, device execution acks and mesh-query answers. */
    COMMAND(0x73, Direction.BOTH, true),
    COMMAND_ACK_REPLY(0x78, Direction.SERVER_TO_DEVICE, false),
    /** 0x7B, the receipt, both ways: each side sends one for each 0x73 it gets. */
    COMMAND_ACK(0x7B, Direction.BOTH, false),
    STATUS(0x83, Direction.DEVICE_TO_SERVER, true),
    STATUS_ACK(0x88, Direction.SERVER_TO_DEVICE, false),
    CONNECT(0xC3, Direction.DEVICE_TO_SERVER, false),
    SERVER_TIME(0xC8, Direction.SERVER_TO_DEVICE, false),
    HEARTBEAT(0xD3, Direction.DEVICE_TO_SERVER, false),
    HEARTBEAT_ACK(0xD8, Direction.SERVER_TO_DEVICE, false),
    /** 0xA3: the server announces it wants to control the endpoint [VENDOR]. */
    CONTROL(0xA3, Direction.SERVER_TO_DEVICE, false),
    /** 0xAB: the device's 1,024-byte answer to 0xA3 [VENDOR]. */
    CONTROL_ANSWER(0xAB, Direction.DEVICE_TO_SERVER, false);

    /** Who sends a packet type. */
    public enum Direction {
        DEVICE_TO_SERVER,
        SERVER_TO_DEVICE,
        BOTH
    }

    private static final PacketType[] BY_CODE = new PacketType[256];

    static {
        for (PacketType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Direction direction;
    private final boolean framed;

    PacketType(int code, Direction direction, boolean framed) {
        this.code = code;
        this.direction = direction;
        this.framed = framed;
    }

    /** The type byte, 0..255. */
    public int code() {
        return code;
    }

    public Direction direction() {
        return direction;
    }

    /** Whether the packet carries an inner 0x7e frame with a checksum. */
    public boolean framed() {
        return framed;
    }

    /** Lower-case hex form used in reports and JSON keys, e.g. {@code "0x7b"}. */
    public String hex() {
        return hex(code);
    }

    /** The type for a byte, or null when the byte is not a type seen in real traffic. */
    public static PacketType of(int code) {
        return BY_CODE[code & 0xFF];
    }

    public static boolean isKnown(int code) {
        return BY_CODE[code & 0xFF] != null;
    }

    public static String hex(int code) {
        return String.format("0x%02x", code & 0xFF);
    }
}
