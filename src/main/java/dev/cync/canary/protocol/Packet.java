package dev.cync.canary.protocol;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;

/**
 * A decoded Cync packet. One record per type seen in real traffic, each with the fields that
 * matter to the controller; {@link Unknown} carries anything else whole. Decode with
 * {@link PacketCodec#decode}, encode with {@link PacketCodec#encode}.
 */
public sealed interface Packet {

    /** The type byte. */
    int typeCode();

    /** The type, or null for {@link Unknown}. */
    default PacketType type() {
        return PacketType.of(typeCode());
    }

    /** 0x23, device -> server: the device introduces itself with its id and 16-character auth code. */
    record Hello(DeviceId deviceId, String authCode) implements Packet {
        public Hello {
            if (authCode.length() != 16
                    || !StandardCharsets.US_ASCII.newEncoder().canEncode(authCode)) {
                throw new IllegalArgumentException("auth code must be 16 ASCII characters");
            }
        }

        @Override
        public int typeCode() {
            return 0x23;
        }
    }

    /** 0x28, server -> device: always {@code 28 00 00 00 02 00 00}. */
    record HelloAck() implements Packet {
        @Override
        public int typeCode() {
            return 0x28;
        }
    }

    /** 0xC3, device -> server: connect notice, answered with the server time. */
    record Connect() implements Packet {
        @Override
        public int typeCode() {
            return 0xC3;
        }
    }

    /**
     * 0xC8, server -> device: the server's local date and time. Layout inferred from the
     * captures: {@code 0d}, year (2 bytes), month, day, weekday (Sunday = 1), hour, minute, second,
     * then the UTC offset in hours x 100 as a signed 16-bit value ({@code fd a8} = -6.00).
     */
    record ServerTime(LocalDateTime localTime, int utcOffsetMinutes) implements Packet {
        @Override
        public int typeCode() {
            return 0xC8;
        }
    }

    /** 0x43, device -> server: device info; {@code payload} is bytes 9..end ({@code 01 01 06} ...). */
    record DeviceInfo(DeviceId deviceId, Bytes payload) implements Packet {
        @Override
        public int typeCode() {
            return 0x43;
        }

        /** Its state entries; empty for a keep-alive or a body that is not state. */
        public List<StateEntry> entries() {
            return StateEntry.parse(payload);
        }
    }

    /** 0x48, server -> device: info ack, {@code 48 00 00 00 03 01 01 00}. */
    record DeviceInfoAck() implements Packet {
        @Override
        public int typeCode() {
            return 0x48;
        }
    }

    /**
     * 0x83, device -> server: a status broadcast with an inner checksummed frame. {@code bytes} is
     * the whole packet; {@code sequenceField} is bytes 9..11, which the 0x88 answer echoes.
     */
    record Status(DeviceId deviceId, int sequenceField, Bytes bytes, boolean checksumValid) implements Packet {
        @Override
        public int typeCode() {
            return 0x83;
        }

        /** What the report says (own state, mesh broadcast, firmware version, other). */
        public StatusReport report() {
            return StatusReport.of(this);
        }

        /** The inner frame (a 55-byte report has no start marker and is read as if it were at byte 12). */
        public Optional<InnerFrame> frame() {
            return InnerFrame.of(bytes);
        }
    }

    /** 0x88, server -> device: status ack echoing bytes 9..11 of the 0x83 it answers. */
    record StatusAck(int sequenceField) implements Packet {
        @Override
        public int typeCode() {
            return 0x88;
        }
    }

    /** 0xD3, device -> server: heartbeat with no body. */
    record Heartbeat() implements Packet {
        @Override
        public int typeCode() {
            return 0xD3;
        }
    }

    /** 0xD8, server -> device: heartbeat answer. */
    record HeartbeatAck() implements Packet {
        @Override
        public int typeCode() {
            return 0xD8;
        }
    }

    /**
     * 0x73, both ways: a server command or a device answer (execution ack, mesh-query answer), with
     * an inner checksummed frame. {@code bytes} is the whole packet; {@code key} (bytes 5..11) is what
     * the answering 0x7B echoes; {@code checksumValid} covers both the checksum and the L rule.
     */
    record Command(AckKey key, Bytes bytes, boolean checksumValid) implements Packet {
        @Override
        public int typeCode() {
            return 0x73;
        }

        public DeviceId deviceId() {
            return key.deviceId();
        }

        /** The inner frame; present whenever the packet decoded. */
        public Optional<InnerFrame> frame() {
            return InnerFrame.of(bytes);
        }

        /** The power or light command this is, if it is one. */
        public Optional<MeshCommand> command() {
            return MeshCommand.parse(this);
        }
    }

    /**
     * 0x7B, both ways: the receipt for the 0x73 whose bytes 5..11 equal {@code key}. It says the
     * bytes arrived, not that the device carried them out (that is the execution ack).
     */
    record CommandAck(AckKey key) implements Packet {
        @Override
        public int typeCode() {
            return 0x7B;
        }
    }

    /**
     * 0x78, server -> device: the answer to a 0x7B; bytes 5..10 of the ack and byte 11 = 0x05.
     * {@code echoed} holds bytes 5..11 as they are on the wire.
     */
    record CommandAckReply(AckKey echoed) implements Packet {
        @Override
        public int typeCode() {
            return 0x78;
        }

        public static CommandAckReply answering(CommandAck ack) {
            return new CommandAckReply(new AckKey((ack.key().bits() & ~0xFFL) | 0x05));
        }
    }

    /**
     * 0xA3, server -> device (12 bytes): {@code a3 00 00 00 07}, endpoint, 2 random bytes, {@code 00};
     * the server announces it wants to control the endpoint. {@code nonce} is bytes 9..11.
     */
    record Control(DeviceId endpoint, int nonce) implements Packet {
        @Override
        public int typeCode() {
            return 0xA3;
        }
    }

    /**
     * 0xAB, device -> server (1,024 bytes in the trace): endpoint, the 0xA3's 3 bytes, then
     * {@code 00 07 00 09}, ASCII {@code xlink_dev} and zeros. {@code bytes} is the whole packet.
     */
    record ControlAnswer(DeviceId endpoint, int nonce, Bytes bytes) implements Packet {
        @Override
        public int typeCode() {
            return 0xAB;
        }
    }

    /** A packet whose type byte is not one seen in real traffic, kept whole. */
    record Unknown(int typeCode, Bytes bytes) implements Packet {}
}
