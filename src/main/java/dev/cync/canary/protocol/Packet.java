package dev.cync.canary.protocol;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
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
            if (authCode.length() != 16 || !StandardCharsets.US_ASCII.newEncoder().canEncode(authCode)) {
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

        /**
         * The power state, when this is the 42-byte mesh status form ({@code db 11 02} at bytes
         * 28..30, state at byte 31) that the simulator and real bulbs send after a change.
         */
        public Optional<Boolean> power() {
            if (bytes.length() == 42 && bytes.get(28) == 0xDB && bytes.get(29) == 0x11 && bytes.get(30) == 0x02) {
                return Optional.of(bytes.get(31) != 0);
            }
            return Optional.empty();
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
     * 0x73, server -> device: a command with an inner checksummed frame. {@code bytes} is the whole
     * packet; {@code key} (bytes 5..11) is what the answering 0x7B echoes.
     */
    record Command(AckKey key, Bytes bytes, boolean checksumValid) implements Packet {
        @Override
        public int typeCode() {
            return 0x73;
        }

        public DeviceId deviceId() {
            return key.deviceId();
        }

        /** The power command this is, if it has the 36-byte power layout. */
        public Optional<PowerCommand> power() {
            return PowerCommand.parse(bytes);
        }
    }

    /** 0x7B, device -> server: acknowledges the 0x73 whose bytes 5..11 equal {@code key}. */
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

    /** A packet whose type byte is not one seen in real traffic, kept whole. */
    record Unknown(int typeCode, Bytes bytes) implements Packet {
    }
}
